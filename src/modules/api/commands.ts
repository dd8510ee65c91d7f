// `radieuse token create` (contract: ../shared/design/CLI.md): a personal API token for a member
// of a cooperative, printed once on stdout (only its hash is kept). With `--application NAME
// --role ROLE` (an addition to the contract, docs/api.md), an application token of the
// cooperative instead, created by the director named by --email (the service refuses anyone else,
// as the directors' page does).
import { type Command, out, requireOpt, UsageError } from '../../core/cli.ts';
import { findUserByEmail } from '../../core/auth/users.ts';
import { withTenant } from '../../core/db/tenant.ts';
import type { UserId } from '../../core/ids.ts';
import { cooperativeOrFail, membershipsOfUser } from '../directory/index.ts';
import { createApplicationToken } from './app-tokens.service.ts';
import { createToken } from './tokens.service.ts';

export const apiCommands: Command[] = [
  {
    name: 'token create',
    summary: 'crée un jeton d’API pour une personne, avec ses permissions, et l’affiche une fois',
    usage:
      'token create --cooperative SLUG --email E --scopes S1,S2 [--days N] [--name NOM] [--application NOM --role accountant|support|director]',
    options: {
      cooperative: { type: 'string' },
      email: { type: 'string' },
      scopes: { type: 'string' },
      days: { type: 'string' },
      name: { type: 'string' },
      application: { type: 'string' },
      role: { type: 'string' },
    },
    needsDb: true,
    async run({ values, odb }) {
      const slug = requireOpt(values, 'cooperative');
      const email = requireOpt(values, 'email');
      const scopes = requireOpt(values, 'scopes').split(',');
      const days = values.days === undefined ? 90 : Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError('--days : un entier de 1 à 366');
      const application = typeof values.application === 'string' ? values.application.trim() : undefined;
      const role = typeof values.role === 'string' ? values.role : undefined;
      if (application === '') throw new UsageError('--application : le nom de l’application');
      if (application !== undefined && !role)
        throw new UsageError('--role requis avec --application (accountant, support ou director)');
      if (role !== undefined && application === undefined)
        throw new UsageError(
          '--role ne sert qu’avec --application (un jeton personnel agit avec les rôles de la personne)',
        );
      const coop = await cooperativeOrFail(odb!, slug);
      const user = await findUserByEmail(odb!.db, email);
      if (!user) throw new UsageError(`personne inconnue : ${email}`);
      const m = (await membershipsOfUser(odb!.db, user.id)).find((x) => x.cooperativeId === coop.id);
      if (!m) throw new UsageError(`${email} n’est pas membre de ${slug}`);
      const name =
        typeof values.name === 'string' && values.name ? values.name : `CLI ${new Date().toISOString().slice(0, 10)}`;
      const actor = {
        userId: user.id as UserId,
        cooperativeId: coop.id,
        roles: m.roles,
        label: `${user.display_name} (CLI)`,
        ...(m.organisationType ? { organisationType: m.organisationType } : {}),
      };
      const { token } = await withTenant(odb!.db, coop.id, (tx) =>
        application !== undefined
          ? createApplicationToken(tx, actor, { name: application, scopes, days, role: role! })
          : createToken(tx, actor, { name, scopes, days }),
      );
      out(token);
      return 0;
    },
  },
];
