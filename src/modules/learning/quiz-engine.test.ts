// The quiz engine on worked cases computed by hand, and reproducible draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawQuestions, scoreAttempt, scoreQuestion, type EngineQuestion } from './quiz-engine.ts';

const q = (o: Partial<EngineQuestion> & Pick<EngineQuestion, 'id' | 'kind'>): EngineQuestion => ({
  prompt: o.id,
  choices: [],
  accepted: [],
  numericValue: null,
  numericTolerance: null,
  feedback: '',
  points: 1,
  ...o,
});
const QUIZ: EngineQuestion[] = [
  q({
    id: 'q1',
    kind: 'single',
    points: 2,
    choices: [
      { text: 'Le compte d’activité', correct: true, feedback: 'Oui : c’est le compte de l’entrepreneur·e.' },
      { text: 'Le compte bancaire', correct: false, feedback: 'Non : la banque est celle de la coopérative.' },
      { text: 'La caisse', correct: false },
    ],
  }),
  q({
    id: 'q2',
    kind: 'multiple',
    points: 3,
    choices: [
      { text: 'A', correct: true },
      { text: 'B', correct: true },
      { text: 'C', correct: false, feedback: 'C est faux.' },
      { text: 'D', correct: false },
    ],
  }),
  q({ id: 'q3', kind: 'short', points: 1, accepted: ['compte d’activité', 'compte d’activite'] }),
  q({ id: 'q4', kind: 'numeric', points: 2, numericValue: 1234.5, numericTolerance: 0.5, feedback: 'HT + TVA.' }),
  q({
    id: 'q5',
    kind: 'true_false',
    points: 2,
    choices: [
      { text: 'Vrai', correct: true },
      { text: 'Faux', correct: false },
    ],
  }),
];

test('worked case 1: 2 + 0 + 1 + 2 + 0 = 5 points of 10 → 50 %, failed at a 70 % pass mark', () => {
  const s = scoreAttempt(
    QUIZ,
    { q1: ['0'], q2: ['0', '2'], q3: ['  COMPTE   d’Activité '], q4: ['1234,9'], q5: ['1'] },
    70,
  );
  assert.deepEqual(
    s.results.map((r) => r.earned),
    [200, 0, 100, 200, 0],
  );
  assert.equal(s.score, 500);
  assert.equal(s.max, 1000);
  assert.equal(s.percent, 50);
  assert.equal(s.passed, false);
  // Per-answer feedback: the choice ticked, then the question's own.
  assert.deepEqual(s.results[0].feedback, ['Oui : c’est le compte de l’entrepreneur·e.']);
  assert.deepEqual(s.results[1].feedback, ['C est faux.']);
  assert.deepEqual(s.results[3].feedback, ['HT + TVA.']);
  assert.equal(s.results[1].expected, 'A ; B');
});

test('worked case 2: 2 + 1.5 + 1 + 2 + 2 = 8.5 of 10 → 85 %, passed', () => {
  const s = scoreAttempt(QUIZ, { q1: ['0'], q2: ['0'], q3: ['compte d’activite'], q4: ['1235'], q5: ['0'] }, 70);
  assert.deepEqual(
    s.results.map((r) => r.earned),
    [200, 150, 100, 200, 200],
  );
  assert.equal(s.percent, 85);
  assert.equal(s.passed, true);
});

test('multiple choice: (right − wrong) / right, never below zero; the pass mark is not rounded up', () => {
  const m = QUIZ[1];
  assert.equal(scoreQuestion(m, ['0', '1']).earned, 300);
  assert.equal(scoreQuestion(m, ['0', '1', '2']).earned, 150);
  assert.equal(scoreQuestion(m, ['2', '3']).earned, 0);
  assert.equal(scoreQuestion(m, ['0', '2', '3']).earned, 0);
  assert.equal(scoreQuestion(m, []).earned, 0);
  // single choice with two boxes ticked scores nothing
  assert.equal(scoreQuestion(QUIZ[0], ['0', '1']).earned, 0);
  // numeric: outside the tolerance, and garbage
  assert.equal(scoreQuestion(QUIZ[3], ['1235,01']).earned, 0);
  assert.equal(scoreQuestion(QUIZ[3], ['12a']).earned, 0);
  // 6.96 of 10 → 69 %, not 70 %
  const three = [
    q({ id: 'a', kind: 'numeric', numericValue: 1, points: 23 }),
    q({ id: 'b', kind: 'numeric', numericValue: 1, points: 10 }),
  ];
  const s = scoreAttempt(three, { a: ['1'], b: ['0'] }, 70);
  assert.equal(s.percent, 69);
  assert.equal(s.passed, false);
});

test('random draws are reproducible with a seed', () => {
  const bank = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const d1 = drawQuestions(bank, 3, 42);
  assert.deepEqual(drawQuestions(bank, 3, 42), d1);
  assert.equal(d1.length, 3);
  assert.equal(new Set(d1).size, 3);
  const seeds = new Set(Array.from({ length: 20 }, (_, i) => drawQuestions(bank, 3, i + 1).join()));
  assert.ok(seeds.size > 10, 'different seeds give different draws');
  assert.deepEqual([...drawQuestions(bank, null, 7)].sort(), bank);
  assert.deepEqual([...drawQuestions(bank, 50, 7)].sort(), bank);
});
