import { useEffect, useState } from 'react';
import type { BoardState } from '../../../../shared/signaling/courseware.ts';
import type { BoardReplay } from './BoardReplay.ts';

const SHOW_ON = ['loadedmetadata', 'seeking', 'seeked', 'timeupdate', 'pause', 'ended'] as const;

/**
 * The board at the video's current time (CW-REPLAY-SYNC): recomputed on every seek (either
 * way) and, while the video plays, every animation frame, so a stroke appears when the
 * teacher's hand in the video draws it rather than at the next `timeupdate` (¼ s later).
 * Re-renders only when the board changed.
 */
export function useVideoBoard(video: HTMLVideoElement | null, replay: BoardReplay): BoardState {
  const [board, setBoard] = useState(() => replay.at(0));

  useEffect(() => {
    setBoard(replay.at(video ? video.currentTime * 1000 : 0));
    if (!video) return;
    let frame = 0;
    const show = () => setBoard(replay.at(video.currentTime * 1000));
    const follow = () => {
      show();
      frame = !video.paused && !video.ended ? requestAnimationFrame(follow) : 0;
    };
    const play = () => {
      cancelAnimationFrame(frame);
      follow();
    };
    for (const name of SHOW_ON) video.addEventListener(name, show);
    video.addEventListener('play', play);
    if (!video.paused) play();
    return () => {
      cancelAnimationFrame(frame);
      for (const name of SHOW_ON) video.removeEventListener(name, show);
      video.removeEventListener('play', play);
    };
  }, [video, replay]);

  return board;
}
