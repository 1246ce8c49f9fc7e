/** An API failure with its HTTP status; the router turns it into `{"status":"error","error":…}`. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}
