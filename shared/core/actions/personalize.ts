import type { Properties } from '../records/record.schema.ts';

const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Fills `{{property}}` tokens with the record's values (logic-less: an empty or missing value
 * becomes an empty string).
 * @example personalize('Hi {{firstname}}', { firstname: 'Ada' }) // 'Hi Ada'
 */
export const personalize = (text: string, properties: Properties): string =>
  text.replace(TOKEN, (_token, name: string) => {
    const value = properties[name];
    return value === null || value === undefined ? '' : String(value);
  });
