import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import * as config from './config.js';
import * as stages from './stages.js';
import * as diff from './diff.js';
import * as data from './data.js';
import * as evaluate from './evaluate.js';
import * as registry from './registry.js';
import * as report from './report.js';
import * as init from './init.js';
import * as compile from './compile.js';
import * as monitor from './monitor.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/** One module per capability; each adds its subcommands to the program. */
export const commandModules: CommandModule[] = [config, stages, diff, data, evaluate, registry, report, init, compile, monitor];
