import type { ObjectType } from './object-types.ts';
import type { PropertyDefinition, PropertyType } from './property.schema.ts';

const prop = (name: string, type: PropertyType, label: string, extra: Partial<PropertyDefinition> = {}) =>
  ({ name, label, type, ...extra }) as PropertyDefinition;
const text = (name: string, label: string, extra: Partial<PropertyDefinition> = {}) =>
  prop(name, 'string', label, extra);
const enumeration = (name: string, label: string, options: string[]) =>
  prop(name, 'enumeration', label, { options });
const owner = () => text('ownerId', 'Owner');

/** Read-only timestamps every record carries. */
const TIMESTAMPS: PropertyDefinition[] = [
  prop('createdate', 'datetime', 'Create date', { readOnly: true }),
  prop('lastmodifieddate', 'datetime', 'Last modified date', { readOnly: true }),
];

/** The built-in property definitions of each object type (workflow.md, "Records"). */
export const BUILTIN_PROPERTIES: Readonly<Record<ObjectType, readonly PropertyDefinition[]>> = {
  contacts: [
    text('email', 'Email', { unique: true }),
    text('firstname', 'First name'),
    text('lastname', 'Last name'),
    text('phone', 'Phone number'),
    text('city', 'City'),
    text('country', 'Country'),
    text('jobtitle', 'Job title'),
    enumeration('lifecyclestage', 'Lifecycle stage', [
      'subscriber',
      'lead',
      'marketingqualifiedlead',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'other',
    ]),
    enumeration('leadstatus', 'Lead status', [
      'new',
      'open',
      'in_progress',
      'unqualified',
      'connected',
      'bad_timing',
    ]),
    prop('score', 'number', 'Score'),
    owner(),
    prop('birthdate', 'date', 'Birth date'),
    ...TIMESTAMPS,
  ],
  companies: [
    text('name', 'Name'),
    text('domain', 'Domain', { unique: true }),
    text('industry', 'Industry'),
    text('city', 'City'),
    text('country', 'Country'),
    prop('numberofemployees', 'number', 'Number of employees'),
    prop('annualrevenue', 'number', 'Annual revenue'),
    owner(),
    ...TIMESTAMPS,
  ],
  deals: [
    text('dealname', 'Deal name'),
    text('pipeline', 'Pipeline'),
    prop('amount', 'number', 'Amount'),
    enumeration('dealstage', 'Deal stage', [
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]),
    prop('closedate', 'date', 'Close date'),
    owner(),
    ...TIMESTAMPS,
  ],
  tickets: [
    text('subject', 'Subject'),
    text('content', 'Content'),
    enumeration('status', 'Status', ['new', 'waiting', 'in_progress', 'closed']),
    enumeration('priority', 'Priority', ['low', 'medium', 'high']),
    owner(),
    ...TIMESTAMPS,
  ],
  quotes: [
    text('title', 'Title'),
    prop('amount', 'number', 'Amount'),
    enumeration('status', 'Status', ['draft', 'pending_approval', 'approved', 'rejected', 'sent', 'signed']),
    prop('expirationdate', 'date', 'Expiration date'),
    owner(),
    ...TIMESTAMPS,
  ],
  tasks: [
    text('title', 'Title'),
    text('body', 'Body'),
    enumeration('status', 'Status', ['not_started', 'completed']),
    prop('dueDate', 'datetime', 'Due date'),
    owner(),
    ...TIMESTAMPS,
  ],
};

/** Custom property definitions by object type, as callers pass them. */
export type CustomProperties = Partial<Record<ObjectType, readonly PropertyDefinition[]>>;

/** Property catalogs of every object type: the built-ins plus `custom` (a custom one never replaces a built-in). */
export const propertyCatalogs = (
  custom: CustomProperties = {},
): Record<ObjectType, Map<string, PropertyDefinition>> => {
  const catalogs = {} as Record<ObjectType, Map<string, PropertyDefinition>>;
  for (const [objectType, builtins] of Object.entries(BUILTIN_PROPERTIES) as [
    ObjectType,
    PropertyDefinition[],
  ][]) {
    const catalog = new Map(builtins.map((definition) => [definition.name, definition]));
    for (const definition of custom[objectType] ?? []) {
      if (!catalog.has(definition.name)) catalog.set(definition.name, definition);
    }
    catalogs[objectType] = catalog;
  }
  return catalogs;
};
