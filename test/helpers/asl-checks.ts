import { StateLint } from '@wmfs/statelint';
import aslValidator from 'asl-validator';
import type { StateMachineDefinition } from '../../shared/core/compiler/asl.types.ts';

/** Problems asl-validator and statelint find in a definition (both get a copy: asl-validator writes into it). */
export const aslProblems = (definition: StateMachineDefinition): string[] => {
  const result = aslValidator(structuredClone(definition));
  const lint = new StateLint().validate(structuredClone(definition));
  return [
    ...result.errors.map((error) => `asl-validator: ${error.message}`),
    ...lint.map((problem) => `statelint: ${problem}`),
  ];
};
