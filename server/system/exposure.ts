import type { Config } from '../config.ts';
import { isLoopback, isUnspecified } from './addresses.ts';

/** A configuration that starts but that browsers or media will not work with as intended. */
export interface ExposureWarning {
  readonly rule: ExposureRule;
  readonly message: string;
}

/** Stable IDs of the start-up warnings (listed in README "Deploying for a county"). */
export const ExposureRule = {
  /** Listening beyond loopback over plain HTTP with no trusted TLS proxy: browsers refuse camera and microphone. */
  plainHttp: 'D-EXPOSURE-PLAIN-HTTP',
  /** Media listens on every interface but announces no address: browsers get 0.0.0.0 as the candidate. */
  announcedUnset: 'D-EXPOSURE-ANNOUNCED-UNSET',
  /** The web server is reachable from the network but media only from this machine: nobody elsewhere gets video. */
  mediaLoopback: 'D-EXPOSURE-MEDIA-LOOPBACK',
} as const;
export type ExposureRule = (typeof ExposureRule)[keyof typeof ExposureRule];

/** What `npm start` warns about; an empty list for the loopback demo and for a correctly exposed server. */
export function exposureWarnings(config: Config): ExposureWarning[] {
  const warnings: ExposureWarning[] = [];
  const onNetwork = !isLoopback(config.host);
  if (onNetwork && !config.tls && config.trustProxy === false) {
    warnings.push({
      rule: ExposureRule.plainHttp,
      message: `listening on ${config.host} over plain HTTP: browsers on other machines will refuse the camera and microphone. Set TLS_CERT_FILE and TLS_KEY_FILE, or serve through a TLS proxy and set TRUST_PROXY.`,
    });
  }
  if (config.media.workers > 0 && isUnspecified(config.media.listenIp) && !config.media.announcedAddress) {
    warnings.push({
      rule: ExposureRule.announcedUnset,
      message: `MEDIA_LISTEN_IP is ${config.media.listenIp} but MEDIA_ANNOUNCED_ADDRESS is unset: browsers cannot know where to send media. Set it to this server's public IP or name.`,
    });
  }
  if (config.media.workers > 0 && onNetwork && isLoopback(config.media.listenIp)) {
    warnings.push({
      rule: ExposureRule.mediaLoopback,
      message: `HOST is ${config.host} but MEDIA_LISTEN_IP is ${config.media.listenIp}: classrooms on other machines will load the pages but get no audio or video. Set MEDIA_LISTEN_IP (and MEDIA_ANNOUNCED_ADDRESS).`,
    });
  }
  return warnings;
}
