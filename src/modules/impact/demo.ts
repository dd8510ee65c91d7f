// Demo: one WHO-5 wave per cooperative, answered by some of its entrepreneurs through their
// anonymous links (the last cooperative gets fewer than 5 answers: its results are suppressed);
// in the first cooperative a questionnaire with a condition (six months after leaving) and its
// wave; in every cooperative the QVT barometers of last year and this year, answered by enough
// people in the first ones for figures to show and by too few in the last for them to hide.
import { systemActor } from '../../core/actor.ts';
import type { Db, Tx } from '../../core/db/handles.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { DemoSeeder } from '../directory/index.ts';
import { answerSurvey, createSurvey, submitAnswer } from './surveys.service.ts';
import { addQuestion, createQuestionnaire, EMPTY_QUESTION_FORM } from './questionnaires.service.ts';
import { builtinDef } from './kit/questionnaire.ts';
import { impactDb } from './db.ts';

type Rng = { int(min: number, max: number): number };
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

async function wave(db: Db, coopId: string, input: Parameters<typeof createSurvey>[2]) {
  return withTenant(db, coopId, (tx) => createSurvey(tx as unknown as Tx, systemActor(coopId), input));
}

/** A barometer answer around a mood (1–5): agreement items near it, reversed ones opposite. */
function barometerAnswer(key: 'qvt_entrepreneurs' | 'qvt_support', mood: number, rng: Rng) {
  const out: Record<string, string> = {};
  for (const q of builtinDef(key).questions) {
    if (q.dimension) out[q.id] = String(clamp((q.reverse ? 6 - mood : mood) + rng.int(-1, 1), 1, 5));
    else out[q.id] = String(clamp(mood + rng.int(-2, 0), 0, 5));
  }
  return out;
}

export const impactDemoSeeder: DemoSeeder = {
  name: 'impact',
  async seed(ctx) {
    const year = Number(ctx.today.slice(0, 4));
    const db = ctx.odb.db;
    for (const [i, c] of ctx.coops.entries()) {
      const people = c.entrepreneurs.length + c.capes.length;
      const last = i === ctx.coops.length - 1;
      const { tokens } = await wave(db, c.coop.id, { title: `Bien-être ${year}`, links: Math.max(people, 5) });
      const answers = last ? 3 : Math.round(tokens.length * (0.55 - 0.15 * i));
      for (const t of tokens.slice(0, answers)) {
        const base = ctx.rng.int(1, 4);
        const items = [0, 1, 2, 3, 4].map(() => clamp(base + ctx.rng.int(-1, 1), 0, 5));
        await answerSurvey(db, t, items);
      }
      // QVT barometers, last year and this year.
      for (const [y, shift] of [
        [year - 1, 0],
        [year, 1],
      ] as const) {
        for (const [key, n] of [
          ['qvt_entrepreneurs', last ? 3 : i === 0 ? 14 : 8],
          ['qvt_support', i === 0 ? 6 : 2],
        ] as const) {
          const w = await wave(db, c.coop.id, {
            title: `Baromètre QVT ${y} — ${key === 'qvt_support' ? 'équipe' : 'entrepreneur·es'}`,
            links: n + 2,
            questionnaire: key,
            kind: 'yearly',
          });
          for (const t of w.tokens.slice(0, n)) {
            const errors = await submitAnswer(
              db,
              t,
              barometerAnswer(key, clamp(ctx.rng.int(2, 4) + shift, 1, 5), ctx.rng),
            );
            if (errors) throw new Error(`demo QVT: ${JSON.stringify(errors)}`);
          }
          // The earlier barometer was answered last year: its answers carry that year's day.
          if (y < year)
            await withTenant(db, c.coop.id, (tx) =>
              impactDb(tx as unknown as Tx)
                .updateTable('impact_survey_answer')
                .set({ answered_on: `${y}-06-15` })
                .where('cooperative_id', '=', c.coop.id)
                .where('survey_id', '=', w.id)
                .execute(),
            );
        }
      }
    }
    // A questionnaire with a condition, six months after leaving (first cooperative).
    const first = ctx.coops[0];
    if (!first) return;
    const coopId = first.coop.id;
    const actor = systemActor(coopId);
    const qid = await withTenant(db, coopId, async (t) => {
      const tx = t as unknown as Tx;
      const id = await createQuestionnaire(tx, actor, {
        title: 'Six mois après la sortie',
        intro: 'Où en êtes-vous six mois après avoir quitté la coopérative ?',
      });
      const add = (f: Partial<typeof EMPTY_QUESTION_FORM>) =>
        addQuestion(tx, actor, id, { ...EMPTY_QUESTION_FORM, ...f });
      await add({ label: 'Avez-vous aujourd’hui un travail ?', options: 'Oui\nNon' });
      await add({
        type: 'single',
        label: 'Lequel ?',
        options: 'Ma propre entreprise\nUn emploi salarié\nUne autre CAE',
        condition: 'q1:o1',
      });
      await add({ type: 'single', label: 'Êtes-vous en formation ?', options: 'Oui\nNon', condition: 'q1:o2' });
      await add({
        type: 'scale',
        label: 'La coopérative vous a-t-elle aidé·e ?',
        scale_min: '0',
        scale_max: '10',
        scale_min_label: 'Pas du tout',
        scale_max_label: 'Énormément',
      });
      await add({
        type: 'multiple',
        label: 'Ce qui vous a servi',
        options: 'Les ateliers\nL’accompagnement\nLe réseau des entrepreneur·es',
      });
      await add({ type: 'long_text', label: 'Un conseil pour la coopérative ?', required: false });
      return id;
    });
    const w = await wave(db, coopId, { title: `Sortants ${year}`, links: 12, questionnaire: qid, kind: 'after_exit' });
    const texts = [
      'Plus d’ateliers sur la prospection',
      'Continuez ainsi',
      'Un annuaire des anciens',
      'Merci',
      'Des permanences le soir',
      'Rien à ajouter',
      'Un meilleur outil de devis',
    ];
    for (const [k, t] of w.tokens.slice(0, 9).entries()) {
      const working = k % 3 !== 2;
      const values: Record<string, string> = {
        q1: working ? 'o1' : 'o2',
        q4: String(ctx.rng.int(5, 10)),
        q6: texts[k % texts.length]!,
      };
      if (working) values.q2 = k % 2 ? 'o1' : 'o2';
      else values.q3 = 'o2';
      const errors = await submitAnswer(db, t, values, { q5: k % 2 ? ['o1', 'o2'] : ['o2'] });
      if (errors) throw new Error(`demo survey: ${JSON.stringify(errors)}`);
    }
  },
};
