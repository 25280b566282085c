/** The media plane's public API (server/live imports from here). */
export { MediaService, type MediaServiceOptions, type MediaServiceEvents } from './MediaService.ts';
export { WorkerPool, type WorkerPoolOptions, type WorkerPoolEvents, type WorkerInfo, type MediaNetworkOptions } from './WorkerPool.ts';
export { Room, ROOM_DEFAULTS, type AddPeerOptions, type RouterInfo, type RecordingOptions } from './Room.ts';
export {
  Peer,
  DEFAULT_PRIORITY,
  type CreateWebRtcTransportOptions,
  type CreatePlainTransportOptions,
  type PlainTransportInfo,
  type ConnectPlainTransportOptions,
  type ProduceOptions,
  type ConsumeOptions,
  type TransportInfo,
  type ConsumerInfo,
} from './Peer.ts';
export { NodePipe, type PipeEndpoint, type PipedProducer, type NodePipeEvents } from './NodePipe.ts';
export { routerCodecs, DEFAULT_VIDEO_CODECS } from './routerCodecs.ts';
export { probeDuration } from './Recording.ts';
export * from './errors.ts';
export * from './types.ts';
