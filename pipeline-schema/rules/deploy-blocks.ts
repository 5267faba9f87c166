/**
 * Each environment's `deploy:` block: the manifest stays inside the repository, the URI template
 * names only known placeholders, and what the kind needs is there (a `field` for `custom`, an
 * `experiment` for a seldon canary). Whether the manifest really is of the declared kind is
 * checked when a promotion reads it from the target branch (runners/registry/deploy/).
 */
import { parseUriTemplate } from '../deploy-template.js';
import { pointer, type PendingProblem } from '../problems.js';
import { pathProblems, type RuleContext } from './context.js';
import { isObj, obj, str } from './read.js';
import type { SemanticRule } from './rule.js';

function blockProblems(ctx: RuleContext, env: string, d: Record<string, unknown>): PendingProblem[] {
  const at = (...k: string[]) => pointer('environments', env, 'deploy', ...k);
  const out: PendingProblem[] = [...pathProblems(ctx, d.manifest, at('manifest'))];
  const uri = str(d.uri);
  if (uri !== undefined) {
    for (const p of parseUriTemplate(uri).problems) out.push({ pointer: at('uri'), within: p.within, message: `environment '${env}': ${p.message}`, fix: p.fix });
  }
  const kind = str(d.kind);
  if (kind === 'custom' && d.field === undefined) {
    out.push({ pointer: at('kind'), message: `environment '${env}': a custom deploy needs 'field', the dotted path to set`, fix: "add e.g. 'field: spec.model.uri'" });
  }
  if (isObj(d.canary)) {
    const c = obj(d.canary);
    if (kind === 'seldon' && c.experiment === undefined) {
      out.push({ pointer: at('canary'), message: `environment '${env}': a seldon canary needs 'experiment', the Experiment whose candidate weights are set`, fix: "add 'experiment: <metadata.name of the Experiment>' (in the same manifest file)" });
    }
    if (kind !== 'seldon' && c.experiment !== undefined) {
      out.push({ pointer: at('canary', 'experiment'), message: `environment '${env}': 'experiment' is for seldon; a ${kind ?? 'non-seldon'} canary sets a traffic field`, fix: kind === 'kserve' ? 'remove it (kserve sets spec.predictor.canaryTrafficPercent)' : "remove it and give 'field'" });
    }
    if (kind === 'custom' && c.field === undefined) {
      out.push({ pointer: at('canary'), message: `environment '${env}': a custom canary needs 'field', the dotted path of the traffic percentage`, fix: "add e.g. 'field: spec.traffic.canaryPercent'" });
    }
    if (kind === 'seldon' && c.field !== undefined) {
      out.push({ pointer: at('canary', 'field'), message: `environment '${env}': a seldon canary sets the Experiment's candidate weights, not a field`, fix: "remove 'field'" });
    }
  }
  return out;
}

export const deployBlocks: SemanticRule = {
  id: 'deploy-blocks',
  check: (ctx) => Object.entries(ctx.environments).flatMap(([env, e]) => (isObj(obj(e).deploy) ? blockProblems(ctx, env, obj(obj(e).deploy)) : [])),
};
