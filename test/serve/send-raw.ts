/** Raw-socket helper for the HTTP edge tests: bytes node:http or fetch would never send. */
import { once } from 'node:events';
import { connect } from 'node:net';

/** Sends raw bytes on a fresh socket; resolves with what the server wrote once it closed the socket or `until` matched. */
export async function raw(port: number, bytes: string, until?: RegExp): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  const done = new Promise<void>((resolve) => {
    socket.setEncoding('utf8').on('data', (text: string) => {
      received += text;
      if (until?.test(received)) resolve();
    });
    socket.on('close', () => { resolve(); });
  });
  socket.write(bytes);
  await done;
  socket.destroy();
  return received;
}
