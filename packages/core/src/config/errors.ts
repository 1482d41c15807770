import { ErrorCode, ModelshipError, type ModelshipErrorOptions } from '../contract/errors.js';

/** The configuration file does not match the schema; the message names the key path. */
export class ConfigInvalidError extends ModelshipError {
  constructor(message: string, options?: ModelshipErrorOptions) {
    super(ErrorCode.ConfigInvalid, message, options);
    this.name = 'ConfigInvalidError';
  }
}
