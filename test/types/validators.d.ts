declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: { message: string; path?: string; errorCode?: string }[];
  }
  const validator: (
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ) => AslValidationResult;
  export default validator;
}

declare module '@wmfs/statelint' {
  export class StateLint {
    validate(definition: unknown): string[];
  }
}
