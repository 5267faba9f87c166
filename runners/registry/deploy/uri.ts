/**
 * The value written into the manifest: the `uri` template with the version's name, version,
 * model sha256 and Release asset URL. The placeholders were checked when mlpipeline.yaml was
 * loaded; the values follow the registry grammar (names, SemVer) or are hex, and the result is
 * quoted as needed when spliced into YAML (manifest-edit.ts), so a value cannot become YAML.
 */
import { ConfigError } from '../../../core/errors.js';
import { parseUriTemplate, type UriPlaceholder } from '../../../pipeline-schema/deploy-template.js';
import { modelAssetName, releaseTagName } from '../release-assets.js';

export type UriValues = Record<Exclude<UriPlaceholder, 'release_asset_url'>, string> & { release_asset_url?: string };

export function renderUri(template: string, values: UriValues, where: { file: string; line?: number; column?: number }): string {
  const { parts, problems } = parseUriTemplate(template);
  const first = problems[0];
  if (first) throw new ConfigError([{ message: first.message, fix: first.fix, location: where }]);
  let out = '';
  for (const p of parts) {
    if ('text' in p) {
      out += p.text;
      continue;
    }
    const v = values[p.placeholder as UriPlaceholder];
    if (v === undefined) {
      throw new ConfigError([
        {
          message: `the deploy uri uses {${p.placeholder}}, but it is not known here`,
          fix: 'run on GitHub Actions (GITHUB_SERVER_URL and GITHUB_REPOSITORY name the Release), give the repository an origin remote on github, or use {name}/{version}/{sha256} instead',
          location: where,
        },
      ]);
    }
    out += v;
  }
  if (/[\u0000-\u001f\u007f]/.test(out)) throw new ConfigError([{ message: 'the deploy uri would contain a control character', fix: 'fix the uri template', location: where }]);
  return out;
}

/** `https://github.com/o/r/releases/download/churn%40v1.4.0/churn-v1.4.0.onnx` (contract 4). */
export function releaseAssetUrl(serverUrl: string, repository: string, name: string, version: string): string {
  const base = serverUrl.replace(/\/+$/, '');
  const repo = repository.split('/').map(encodeURIComponent).join('/');
  return `${base}/${repo}/releases/download/${encodeURIComponent(releaseTagName(name, version))}/${encodeURIComponent(modelAssetName(name, version))}`;
}

/** owner/name of a GitHub remote URL (https, ssh or scp-like), or undefined. */
export function githubRepository(remoteUrl: string): { server: string; repository: string } | undefined {
  const m = /^(?:https:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)(github\.com)[:/]([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(remoteUrl.trim());
  return m ? { server: `https://${m[1]!}`, repository: m[2]! } : undefined;
}
