import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { UserError } from './errors.ts';
import { parseInput } from './validation.ts';

function fieldsOf(schema: z.ZodTypeAny, raw: unknown): Record<string, string> {
  try {
    parseInput(schema, raw);
  } catch (e) {
    assert.ok(e instanceof UserError);
    return (e as UserError & { fields: Record<string, string> }).fields;
  }
  assert.fail('the input should have been refused');
}

test('schemas without a message of their own answer in plain French', () => {
  const schema = z.object({
    name: z.string().min(1),
    code: z.string().min(3).max(5),
    count: z.coerce.number().int().min(1).max(1_000_000),
    rate: z.number().positive(),
    mail: z.email(),
    kind: z.enum(['a', 'b']),
    tags: z.array(z.string()).min(1),
    missing: z.string(),
  });
  const f = fieldsOf(schema, { name: '', code: 'ab', count: 2_000_000, rate: 0, mail: 'x', kind: 'c', tags: [] });
  assert.deepEqual(f, {
    name: 'Ce champ est obligatoire.',
    code: 'Au moins 3 caractères.',
    count: `La valeur doit être au plus 1${'\u202f'}000${'\u202f'}000.`,
    rate: 'La valeur doit être supérieure à 0.',
    mail: 'Adresse e-mail invalide.',
    kind: 'Choisissez une des valeurs proposées.',
    tags: 'Choisissez au moins un élément.',
    missing: 'Ce champ est obligatoire.',
  });
  assert.deepEqual(fieldsOf(z.object({ code: z.string().max(5) }), { code: 'abcdef' }), {
    code: '5 caractères au plus.',
  });
  assert.deepEqual(fieldsOf(z.object({ n: z.coerce.number() }), { n: 'douze' }), { n: 'Indiquez un nombre.' });
});

test("a schema's own message always wins", () => {
  const schema = z.object({ name: z.string().trim().min(1, 'Indiquez le nom du fournisseur.') });
  assert.deepEqual(fieldsOf(schema, { name: '  ' }), { name: 'Indiquez le nom du fournisseur.' });
});

test('several wrong fields: one summary, each field keeps its message', () => {
  try {
    parseInput(z.object({ a: z.string().min(1), b: z.string().min(1) }), { a: '', b: '' });
    assert.fail('refused');
  } catch (e) {
    assert.equal((e as Error).message, 'Certains champs sont à corriger.');
  }
});
