/** An error the API answers with its status and `{ "error": message }` (server/API.md). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
