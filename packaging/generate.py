#!/usr/bin/env python3
"""Writes the man page micdoctor(1) and the bash, zsh and fish completions
from the usage text of a built micdoctor binary ('micdoctor help' and
'micdoctor help COMMAND' for every command it lists), so that what the package
documents and completes is what the binary prints and cannot drift from it.

usage: generate.py --binary BUILD/micdoctor --version X.Y.Z --out DIR

Writes DIR/micdoctor.1.gz, DIR/micdoctor.bash, DIR/_micdoctor (zsh) and
DIR/micdoctor.fish. Fails (exit 1) when the usage text cannot be read.
"""
import argparse
import dataclasses
import gzip
import pathlib
import re
import subprocess
import sys

# The one line the package, the man page's NAME and the desktop entry share
# in spirit; the binary's own usage text has no such line.
SUMMARY = "find and fix why others cannot hear your microphone"


@dataclasses.dataclass
class Option:
    names: list          # ["-v", "--verbose"] or, for a positional, ["files"]
    value: str           # "FILE", "[SECONDS]", "text|json", "" for a flag
    description: str     # the whole description, continuation lines joined
    positional: bool = False

    @property
    def long_names(self):
        return [n for n in self.names if n.startswith("--")]

    @property
    def short_names(self):
        return [n for n in self.names if re.fullmatch(r"-[A-Za-z0-9]", n)]

    @property
    def optional_value(self):
        return self.value.startswith("[")

    def choices(self):
        """The values the option takes, when its help names them."""
        placeholder = self.value.strip("[]")
        if "|" in placeholder:
            return placeholder.split("|")
        if placeholder == "FORMAT":
            # "text (default), json, html (a report to share) or markdown"
            words = re.sub(r"\([^)]*\)", "", self.description)
            return re.findall(r"(?:^|,|\bor)\s*([a-z]+)\b", words)
        if placeholder.endswith("_ID"):
            return re.findall(r"\b[a-z]+\.[a-z_]+\b", self.description)
        return []

    def takes_file(self):
        return self.value.strip("[]").split()[0:1] == ["FILE"]


@dataclasses.dataclass
class Command:
    name: str
    summary: str
    description: list = dataclasses.field(default_factory=list)
    usage: str = ""
    options: list = dataclasses.field(default_factory=list)
    exit_status: str = ""


def run_help(binary, *args):
    result = subprocess.run([binary, "help", *args], capture_output=True, text=True, timeout=30, check=False)
    return result.returncode, result.stdout


def parse_overview(text):
    """'micdoctor help': the commands with their summaries, the usage and
    exit status lines."""
    commands, usage, exit_status = [], "", ""
    section = None
    for line in text.splitlines():
        if line.startswith("usage:"):
            usage = line.split(":", 1)[1].strip()
        elif line.startswith("commands:"):
            section = "commands"
        elif line.startswith("exit status:"):
            exit_status = line.split(":", 1)[1].strip()
            section = None
        elif not line.strip():
            section = None
        elif section == "commands":
            match = re.match(r"  (\S+)\s+(.*)", line)
            if match:
                commands.append(Command(match.group(1), match.group(2).strip()))
            elif commands:
                commands[-1].summary += " " + line.strip()
    if not commands:
        raise ValueError("'micdoctor help' lists no commands")
    return usage, commands, exit_status


def parse_option_line(line):
    """'  -v,--verbose            every finding's evidence': names, value, text."""
    match = re.match(r"  (\S.*?)(?:\s{2,}(.*))?$", line)
    head, text = match.group(1), (match.group(2) or "")
    first, _, value = head.partition(" ")
    return first.split(","), value.strip(), text.strip()


def parse_command_help(command, text):
    section = "description"
    for line in text.splitlines():
        if line.startswith("Usage:"):
            command.usage = line.split(":", 1)[1].strip()
            section = None
        elif line.startswith("Options:") or line.startswith("Positionals:"):
            section = line.rstrip(":")
        elif line.startswith("exit status:"):
            command.exit_status = line.split(":", 1)[1].strip()
        elif not line.strip():
            continue
        elif section == "description":
            command.description.append(line.strip())
        elif section in ("Options", "Positionals"):
            if re.match(r"  \S", line):
                names, value, description = parse_option_line(line)
                positional = section == "Positionals"
                if positional:
                    # "files FILE ...": the name, then what each one is
                    value = value or names[0].upper()
                command.options.append(Option(names, value, description, positional))
            elif command.options:
                command.options[-1].description += " " + line.strip()


def read_commands(binary):
    status, overview = run_help(binary)
    if status != 0:
        raise ValueError(f"'{binary} help' exited {status}")
    usage, commands, exit_status = parse_overview(overview)
    for command in commands:
        if command.name in ("help", "version"):
            continue
        status, text = run_help(binary, command.name)
        if status == 0:
            parse_command_help(command, text)
        else:
            # A command whose help cannot be printed keeps its summary only.
            print(f"generate.py: 'micdoctor help {command.name}' exited {status}: summary only", file=sys.stderr)
    return usage, commands, exit_status


# ---------------------------------------------------------------- man page

def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def man_page(version, usage, commands, exit_status):
    out = [
        f'.TH MICDOCTOR 1 "" "micdoctor {version}" "User Commands"',
        ".SH NAME",
        f"micdoctor \\- {roff(SUMMARY)}",
        ".SH SYNOPSIS",
        f".B {roff(usage)}" if usage else ".B micdoctor",
        ".SH DESCRIPTION",
        "micdoctor reads every layer between the microphone and the applications (the sound server,",
        "PulseAudio or PipeWire, and below it the kernel, drivers, firmware and the ALSA mixer),",
        "listens to the microphone, says what is wrong in plain words, fixes what it safely can",
        "(with undo) and says what to do about the rest.",
        ".PP",
        "Without a terminal: the menu entry Microphone Doctor runs",
        ".BR \"micdoctor ui\" ,",
        "the same checks, fixes and test in the web browser.",
        ".SH COMMANDS",
    ]
    for command in commands:
        out += [".TP", f".B {roff(command.name)}", roff(command.summary)]
    out += [".SH OPTIONS", "Each command's options, as 'micdoctor help COMMAND' prints them."]
    for command in commands:
        if not command.usage:
            continue
        out += [f'.SS "{roff(command.usage)}"']
        out += [roff(line) for line in command.description]
        for option in command.options:
            if option.positional:
                label = f"\\fI{roff(option.value)}\\fR"
            else:
                label = ", ".join(f"\\fB{roff(n)}\\fR" for n in option.names)
                if option.value:
                    label += f" \\fI{roff(option.value)}\\fR"
            out += [".TP", label, roff(option.description)]
        if command.exit_status:
            out += [".PP", f"Exit status: {roff(command.exit_status)}."]
    if exit_status:
        out += [".SH EXIT STATUS", roff(exit_status) + "."]
    out += [".SH SEE ALSO", ".BR pactl (1),", ".BR alsamixer (1)"]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------- completions

def shell_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def first_words(text, limit=70):
    """A completion's description: the help's text, cut at a word near limit."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def bash_completion(commands):
    names = " ".join(c.name for c in commands)
    out = [
        "# bash completion for micdoctor (generated from 'micdoctor help' by packaging/generate.py)",
        "_micdoctor() {",
        '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
        "  COMPREPLY=()",
        "  if ((COMP_CWORD == 1)); then",
        f'    mapfile -t COMPREPLY < <(compgen -W {shell_quote(names)} -- "$cur")',
        "    return",
        "  fi",
        "  local options='' files=0",
        '  case "${COMP_WORDS[1]}" in',
        f'    help) ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W {shell_quote(names)} -- "$cur");'
        " return ;;",
    ]
    for command in commands:
        if not command.options:
            continue
        flags = [n for o in command.options if not o.positional for n in o.names]
        out.append(f"    {command.name})")
        out.append(f"      options={shell_quote(' '.join(flags))}")
        value_cases = []
        for option in command.options:
            if option.positional:
                if option.takes_file():
                    out.append("      files=1")
                continue
            if not option.value or option.optional_value:
                continue
            pattern = "|".join(option.names)
            if option.takes_file():
                value_cases.append(f"        {pattern}) compopt -o filenames; "
                                   'mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;')
            elif option.choices():
                choices = shell_quote(" ".join(option.choices()))
                value_cases.append(f'        {pattern}) mapfile -t COMPREPLY < <(compgen -W {choices} -- "$cur");'
                                   " return ;;")
            else:
                value_cases.append(f"        {pattern}) return ;;  # {option.value}: nothing to offer")
        if value_cases:
            out.append('      case "$prev" in')
            out += value_cases
            out.append("      esac")
        out.append("      ;;")
    out += [
        "  esac",
        '  if [[ $cur == -* || $files == 0 ]]; then',
        '    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")',
        "  else",
        '    compopt -o filenames; mapfile -t COMPREPLY < <(compgen -f -- "$cur")',
        "  fi",
        "}",
        "complete -F _micdoctor micdoctor",
    ]
    return "\n".join(out) + "\n"


def zsh_text(text):
    """Text inside an _arguments [description] or a _describe entry."""
    return text.replace("\\", "").replace("[", "(").replace("]", ")").replace(":", " -")


def zsh_completion(commands):
    out = [
        "#compdef micdoctor",
        "# zsh completion for micdoctor (generated from 'micdoctor help' by packaging/generate.py)",
        "_micdoctor() {",
        "  local -a commands",
        "  commands=(",
    ]
    out += [f"    {shell_quote(c.name + ':' + zsh_text(first_words(c.summary)))}" for c in commands]
    out += [
        "  )",
        "  if (( CURRENT == 2 )); then",
        "    _describe -t commands 'micdoctor command' commands",
        "    return",
        "  fi",
        "  case $words[2] in",
        "    help) (( CURRENT == 3 )) && _describe -t commands 'micdoctor command' commands ;;",
    ]
    for command in commands:
        if not command.options:
            continue
        specs, positionals = [], []
        for option in command.options:
            description = zsh_text(first_words(option.description))
            if option.positional:
                action = "_files" if option.takes_file() else " "
                positionals.append(shell_quote(f"*:{zsh_text(option.value)}:{action}"))
                continue
            if not option.value:
                argument = ""
            else:
                choices = option.choices()
                action = "_files" if option.takes_file() else (f"({' '.join(choices)})" if choices else " ")
                placeholder = zsh_text(option.value.strip("[]"))
                argument = f"::{placeholder}:{action}" if option.optional_value else f":{placeholder}:{action}"
            for name in option.names:
                suffix = "=" if name.startswith("--") and option.value and not option.optional_value else ""
                specs.append(shell_quote(f"{name}{suffix}[{description}]{argument}"))
        specs += positionals  # the rest of the words, after the options
        out.append(f"    {command.name})")
        out.append("      _arguments -s \\")
        out += [f"        {spec} \\" for spec in specs[:-1]]
        out.append(f"        {specs[-1]} ;;")
    out += ["  esac", "}", '_micdoctor "$@"']
    return "\n".join(out) + "\n"


def fish_completion(commands):
    names = " ".join(c.name for c in commands)
    out = [
        "# fish completion for micdoctor (generated from 'micdoctor help' by packaging/generate.py)",
        "complete -c micdoctor -f",
    ]
    for command in commands:
        out.append(f"complete -c micdoctor -n __fish_use_subcommand -a {command.name} "
                   f"-d {shell_quote(first_words(command.summary))}")
    out.append(f"complete -c micdoctor -n '__fish_seen_subcommand_from help' -a {shell_quote(names)}")
    for command in commands:
        condition = shell_quote(f"__fish_seen_subcommand_from {command.name}")
        for option in command.options:
            line = f"complete -c micdoctor -n {condition}"
            if option.positional:
                if option.takes_file():
                    out.append(line + " -F")
                continue
            line += "".join(f" -s {n[1:]}" for n in option.short_names)
            line += "".join(f" -l {n[2:]}" for n in option.long_names)
            if option.value and not option.optional_value:
                if option.takes_file():
                    line += " -r -F"
                else:
                    line += " -x"
                    choices = option.choices()
                    if choices:
                        line += f" -a {shell_quote(' '.join(choices))}"
            line += f" -d {shell_quote(first_words(option.description))}"
            out.append(line)
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    try:
        usage, commands, exit_status = read_commands(args.binary)
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    page = man_page(args.version, usage, commands, exit_status).encode()
    # mtime 0 and no file name inside: the same usage text gives the same bytes.
    with open(args.out / "micdoctor.1.gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as compressed:
            compressed.write(page)
    (args.out / "micdoctor.bash").write_text(bash_completion(commands))
    (args.out / "_micdoctor").write_text(zsh_completion(commands))
    (args.out / "micdoctor.fish").write_text(fish_completion(commands))
    return 0


if __name__ == "__main__":
    sys.exit(main())
