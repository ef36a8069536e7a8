import type { RefErrorCode } from './types';

/** A reference that cannot start a trace; route handlers answer it as `{error:{code,message}}`. */
export class RefError extends Error {
  readonly code: RefErrorCode;
  readonly status: 400 | 404;

  constructor(code: RefErrorCode, message: string) {
    super(message);
    this.name = 'RefError';
    this.code = code;
    this.status = code === 'not-found' ? 404 : 400;
  }

  /** The contract's error body. */
  toBody(): { error: { code: RefErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
