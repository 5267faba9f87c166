import type { Command } from 'commander';
import type { CliContext } from '../context.js';

// Placeholder: the owning capability registers its commands here.
export function register(_program: Command, _ctx: CliContext): void {}
