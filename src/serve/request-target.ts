/**
 * The path of a request target, and the authority of an absolute-form one (`POST http://host/v1/...`,
 * which RFC 9112 says a server must accept; its authority then stands for the Host header).
 */
export function requestTarget(url: string | undefined): { path: string; authority: string | undefined } {
  let target = url ?? '/';
  let authority: string | undefined;
  const absolute = /^https?:\/\/([^/?#]*)/i.exec(target);
  if (absolute) {
    authority = absolute[1] ?? '';
    target = target.slice(absolute[0].length) || '/';
  }
  const query = target.indexOf('?');
  return { path: query === -1 ? target : target.slice(0, query), authority };
}
