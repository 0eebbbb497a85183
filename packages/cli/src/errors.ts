/** Input that makes a command impossible to run. The command prints the message and exits 2. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}
