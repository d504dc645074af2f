export { anyBytes, shown, visible } from './bytes.ts';
export { chunked, chunkings } from './chunks.ts';
export { Conversation } from './conversation.ts';
export {
  canBind,
  connect,
  LOOPBACK,
  listen,
  readToEnd,
  within,
  writeChunks,
} from './sockets.ts';
