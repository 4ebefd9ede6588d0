import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { eventSchemasDirectory } from './package-files.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DRAFT_4 = 'http://json-schema.org/draft-04/schema#';

/**
 * A committed schema (draft 2020-12, as `npm run schemas` writes it) in the draft-4 dialect the schema registry
 * reads: `$schema` says draft-04 and each `const` becomes a one-value `enum`; every other keyword the files use
 * (`type`, `properties`, `required`, `enum`, `anyOf`, `pattern`, `format`, `minimum`…) means the same in both.
 */
export const toDraft4 = (schema: Json): Json => {
  if (Array.isArray(schema)) return schema.map(toDraft4);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') out.$schema = DRAFT_4;
    else if (key === 'const') out.enum = [value];
    else if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // Property names are names, not keywords: only their schemas are rewritten.
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toDraft4(sub)]));
    } else out[key] = toDraft4(value);
  }
  return out;
};

/** One committed schema: its name (the file's) and its draft-4 text. */
export interface PublishedSchema {
  readonly name: string;
  readonly content: string;
}

/** Every schema of `events/schemas/`, in file order. */
export const committedEventSchemas = (directory = eventSchemasDirectory()): PublishedSchema[] =>
  readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: basename(file, '.json'),
      content: JSON.stringify(toDraft4(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json)),
    }));

export interface EventSchemaRegistryProps {
  readonly registryName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The events' JSON Schemas in an EventBridge schema registry (events.md), so that applications can generate
 * types with the schema registry's code bindings.
 */
export class EventSchemaRegistry extends Construct {
  readonly registry: CfnRegistry;
  readonly schemas: readonly CfnSchema[];

  constructor(scope: Construct, id: string, props: EventSchemaRegistryProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: `crm-workflows events of ${Stack.of(this).stackName}: what applications send and receive`,
    });
    this.registry.applyRemovalPolicy(props.removalPolicy);
    this.schemas = committedEventSchemas().map((schema) => {
      const resource = new CfnSchema(this, schema.name, {
        registryName: this.registry.attrRegistryName,
        schemaName: schema.name,
        type: 'JSONSchemaDraft4',
        content: schema.content,
        description: `crm-workflows ${schema.name} event`,
      });
      resource.applyRemovalPolicy(props.removalPolicy);
      return resource;
    });
  }
}
