/**
 * `GET /v1/models` (the list) and `GET /v1/models/{id}` (one model: the OpenAI SDK's `models.retrieve`, litellm's
 * and LangChain's model checks). The served model is the only one; another id is a 404 `model_not_found`.
 * A served name may hold a slash ("org/model"): the id is the rest of the path, percent-decoded.
 */
import type { ServerResponse } from 'node:http';
import { clientError, echo } from './error-response.js';

const LIST_PATH = '/v1/models';
const ONE_PREFIX = `${LIST_PATH}/`;
/** The route key (and metrics label) of every `/v1/models/{id}` path: bounded, whatever ids clients send. */
export const MODEL_ROUTE = `${ONE_PREFIX}{id}`;

/** The route key of a path: `/v1/models/…` paths share MODEL_ROUTE, others are themselves. */
export function routeKeyOf(path: string): string {
  return path.startsWith(ONE_PREFIX) && path.length > ONE_PREFIX.length ? MODEL_ROUTE : path;
}

export interface ModelsRoute {
  /** Answers a `/v1/models` or `/v1/models/{id}` GET (HEAD too: node:http sends no body); returns the status. */
  answer(path: string, response: ServerResponse): number;
}

export function createModelsRoute(servedModelName: string, root: string, created: number): ModelsRoute {
  const model = { id: servedModelName, object: 'model', created, owned_by: 'safemed', root };
  const listBody = JSON.stringify({ object: 'list', data: [model] });
  const modelBody = JSON.stringify(model);
  const send = (response: ServerResponse, body: string): number => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return 200;
  };
  return {
    answer(path, response) {
      if (path === LIST_PATH) return send(response, listBody);
      let id: string;
      try {
        id = decodeURIComponent(path.slice(ONE_PREFIX.length));
      } catch {
        throw clientError(400, 'invalid_model_id', 'The model id in the path is not valid percent-encoding.', 'model');
      }
      if (id !== servedModelName) {
        throw clientError(404, 'model_not_found', `The model ${echo(id)} does not exist; this server serves ${JSON.stringify(servedModelName)}.`, 'model');
      }
      return send(response, modelBody);
    },
  };
}
