/**
 * `glimpse`: train, evaluate and use CLIP and BLIP models from the command line.
 * Every command has --help; a mistake in a call is one line on stderr and exit code 2.
 */
import { parse, UsageError, type Command } from './args.js';
import { capfiltCommand } from './capfilt.js';
import { captionCommand } from './caption.js';
import { demo } from './demo.js';
import { evalCommand } from './eval.js';
import { itmCommand } from './itm.js';
import { retrieve } from './retrieve.js';
import { trainCommand } from './train.js';
import { zeroshot } from './zeroshot.js';

export const COMMANDS: Record<string, Command> = { demo, train: trainCommand, eval: evalCommand, zeroshot, retrieve, caption: captionCommand, itm: itmCommand, capfilt: capfiltCommand };

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return `glimpse — train and run CLIP and BLIP

usage: glimpse <command> [flags]      glimpse <command> --help

${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`).join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`glimpse: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const { values, positionals } = parse(name, command, rest);
    if (values['help']) {
      console.log(command.help);
      return 0;
    }
    await command.run(values as Record<string, string | boolean | string[] | undefined>, positionals);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    // Errors from the library name the file / shape / flag at fault: one line is enough for users.
    console.error(`glimpse ${name}: ${(e as Error).message}`);
    return 1;
  }
}
