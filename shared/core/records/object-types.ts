import * as z from 'zod';

/** Object types a workflow can enroll. */
export const ENROLLABLE_OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets', 'quotes'] as const;
/** Every object type of the CRM, including `tasks` (created by workflows, never enrolled). */
export const OBJECT_TYPES = [...ENROLLABLE_OBJECT_TYPES, 'tasks'] as const;

export const EnrollableObjectTypeSchema = z.enum(ENROLLABLE_OBJECT_TYPES);
export const ObjectTypeSchema = z.enum(OBJECT_TYPES);

export type EnrollableObjectType = z.infer<typeof EnrollableObjectTypeSchema>;
export type ObjectType = z.infer<typeof ObjectTypeSchema>;

/** True when `value` names a CRM object type. */
export const isObjectType = (value: string): value is ObjectType =>
  (OBJECT_TYPES as readonly string[]).includes(value);
