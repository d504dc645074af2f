export { anyBytes, shown, visible } from './bytes.ts';
export { chunked, chunkings, cutAt } from './chunks.ts';
export { Conversation } from './conversation.ts';
export {
  connect,
  LOOPBACK,
  listen,
  NeverHappened,
  readToEnd,
  WAIT_MS,
  within,
  writeChunks,
} from './sockets.ts';
