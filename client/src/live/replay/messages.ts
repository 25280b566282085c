/** The recording's playback page, merged into live/messages.ts with one spread line each. */
export const replayZh = {
  'replay.title': '录像回放',
  'replay.open': '回放',
  'replay.video': '课堂录像',
  'replay.board': '课件与板书',
  'replay.noBoard': '此时尚未展示课件或板书',
  'replay.blankPage': '空白板书 第 {page} 页',
  'replay.turns': '翻页记录',
  'replay.noTurns': '录制期间没有翻页',
  'replay.turnAt': '{time} · 第 {page} 页',
  'replay.recordedAt': '录制于 {time}，时长 {duration}',
  'replay.help': '课件与板书随录像播放同步显示；拖动进度条或点击翻页记录可跳转。',
  'replay.part': '第 {part} 段',
  'replay.resumedAfter': '中断 {seconds} 秒后自动续录',
} as const;

export const replayEn: Record<keyof typeof replayZh, string> = {
  'replay.title': 'Recording playback',
  'replay.open': 'Replay',
  'replay.video': 'Lesson video',
  'replay.board': 'Courseware and board',
  'replay.noBoard': 'No courseware or board shown at this point',
  'replay.blankPage': 'Blank board, page {page}',
  'replay.turns': 'Page turns',
  'replay.noTurns': 'No pages were turned during the recording',
  'replay.turnAt': '{time} · page {page}',
  'replay.recordedAt': 'Recorded {time}, {duration} long',
  'replay.help': 'The courseware and what was written on it follow the video; drag the progress bar or pick a page turn to jump.',
  'replay.part': 'Part {part}',
  'replay.resumedAfter': 'Resumed by itself after a {seconds} s gap',
};
