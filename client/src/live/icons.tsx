import type { SVGProps } from 'react';

/** The live console's own line icons (24×24, like ui/Icon). */
const paths = {
  camera: 'M3 7h12v10H3zM15 10.5l6-3.5v10l-6-3.5',
  cameraOff: 'M3 7h12v10H3zM15 10.5l6-3.5v10l-6-3.5M2 3l20 18',
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3ZM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
  micOff: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3ZM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8M3 3l18 18',
  screen: 'M3 4h18v12H3zM8 20h8M12 16v4M9 10l3-3 3 3M12 7v6',
  hand: 'M8 13V5.5a1.5 1.5 0 0 1 3 0V11M11 10V4.5a1.5 1.5 0 0 1 3 0V11M14 10V5.5a1.5 1.5 0 0 1 3 0V14c0 4-2.5 7-6 7-2.5 0-4-1.2-5.5-3.5L3.8 14.6a1.5 1.5 0 0 1 2.5-1.6L8 15',
  stage: 'M3 20h18M6 20v-6h12v6M12 4v6M9 7l3-3 3 3',
  record: 'M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10ZM12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z',
  end: 'M3 15c5-5 13-5 18 0l-3 3-3-2v-3c-2-.7-4-.7-6 0v3l-3 2z',
  fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
  signal: 'M4 20v-3M9 20v-7M14 20v-11M19 20V4',
  courseware: 'M3 4h18v12H3zM7 8h10M7 12h6M12 16v4M8 20h8',
} as const;

export type LiveIconName = keyof typeof paths;

export function LiveIcon({ name, size = 20, ...rest }: { name: LiveIconName; size?: number } & Omit<SVGProps<SVGSVGElement>, 'name'>) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...rest}>
      <path d={paths[name]} />
    </svg>
  );
}
