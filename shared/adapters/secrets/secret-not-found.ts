/** A secret a webhook names does not exist where this deployment keeps secrets: not retried. */
export class SecretNotFound extends Error {
  override readonly name = 'SecretNotFound';
  /** The secret's name as the workflow gives it. */
  readonly secretName: string;

  constructor(secretName: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.secretName = secretName;
  }
}
