#!/usr/bin/env python3
"""The Debian package, as a person gets it (ctest package_debian).

usage: test_deb.py SOURCE_DIR BUILD_DIR

1. Builds it (cmake --build BUILD_DIR --target package) and reads it with
   dpkg-deb: control fields, Depends against the libraries the binary needs,
   the files, the icon, the desktop entry (desktop-file-validate), the man
   page (man --warnings), the zsh and fish completions (loaded by the shells
   here), lintian when it is installed.
2. Installs it into a clean Debian 12 root (debootstrap --variant=minbase with
   man-db, from this machine's apt mirror) with
   `apt-get install ./micdoctor_*.deb`, so apt resolves the Depends, and runs
   there: micdoctor --version, micdoctor check (no sound server: exit 1 and the
   words), man micdoctor, the bash completion.

The finished root is cached as BUILD_DIR/package-test/bookworm-minbase.tar
(and the .debs apt fetched, in package-test/apt-archives), so a second run on
the same build directory does not debootstrap again. Needs root (debootstrap,
chroot, mount): exit 77 (skipped) otherwise.
"""
import contextlib
import glob
import gzip
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
SUITE = "bookworm"
CHROOT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
              "DEBIAN_FRONTEND": "noninteractive", "TERM": "dumb"}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", flush=True)
    return condition


def run(command, timeout=120, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)


def must(command, timeout=600, **kwargs):
    result = run(command, timeout=timeout, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {result.returncode}:\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def step(message, started=[time.monotonic()]):  # noqa: B006 (the start of the run)
    print(f"[{time.monotonic() - started[0]:6.1f} s] {message}", flush=True)


# ------------------------------------------------------- what the binary says

def commands_of(binary):
    """The command names 'micdoctor help' lists."""
    text = must([binary, "help"]).stdout
    block = text.split("commands:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^  (\S+)", block, re.MULTILINE)


def options_of(binary, command):
    """The long options 'micdoctor help COMMAND' lists."""
    result = run([binary, "help", command])
    return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", result.stdout.split("Options:", 1)[-1]))) \
        if result.returncode == 0 else []


# ----------------------------------------------------------- the package file

def build_package(build_dir):
    for old in glob.glob(str(build_dir / "micdoctor_*.deb")):
        os.unlink(old)
    must(["cmake", "--build", str(build_dir), "--target", "package"], timeout=900)
    debs = glob.glob(str(build_dir / "micdoctor_*.deb"))
    if len(debs) != 1:
        raise RuntimeError(f"expected one micdoctor_*.deb in {build_dir}, found {debs}")
    return pathlib.Path(debs[0])


def needed_packages(binary):
    """The Debian packages that hold the shared libraries the binary needs."""
    dynamic = must(["objdump", "-p", str(binary)]).stdout
    packages = set()
    for library in re.findall(r"^\s*NEEDED\s+(\S+)", dynamic, re.MULTILINE):
        path = next((p for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib")
                     if os.path.exists(p := os.path.join(d, library))), None)
        check(path is not None, f"{library} (NEEDED by micdoctor) is not on this machine")
        if path:
            owner = run(["dpkg", "-S", os.path.realpath(path)])
            if owner.returncode != 0:
                owner = must(["dpkg", "-S", path])
            packages.add(owner.stdout.split(":", 1)[0].strip())
    return packages


def check_package_file(deb, source_dir, build_dir, workdir):
    binary = build_dir / "micdoctor"
    fields = {name: must(["dpkg-deb", "-f", str(deb), name]).stdout.strip()
              for name in ("Package", "Version", "Architecture", "Section", "Maintainer", "Depends",
                           "Recommends", "Description")}
    arch = must(["dpkg", "--print-architecture"]).stdout.strip()
    version = must([str(binary), "--version"]).stdout.split()[-1]
    check(fields["Package"] == "micdoctor", f"Package: {fields['Package']}")
    check(fields["Version"].split("-")[0] == version, f"Version {fields['Version']} is not micdoctor {version}")
    check(fields["Architecture"] == arch, f"Architecture: {fields['Architecture']}")
    check(deb.name == f"micdoctor_{fields['Version']}_{arch}.deb", f"file name {deb.name}")
    check(fields["Section"] == "sound", f"Section: {fields['Section']}")
    check(re.fullmatch(r".+ <[^<>@\s]+@[^<>@\s]+>", fields["Maintainer"]) is not None,
          f"Maintainer: {fields['Maintainer']}")
    check("xdg-utils" in fields["Recommends"], "micdoctor ui opens the browser with xdg-open: Recommends xdg-utils")
    check(len(fields["Description"].splitlines()) > 2, "Description has no long description")
    depends = {re.split(r"[\s(]", d.strip(), maxsplit=1)[0] for d in fields["Depends"].split(",")}
    for package in needed_packages(binary):
        check(package in depends, f"Depends lacks {package}, which holds a library micdoctor links: {depends}")

    listing = must(["dpkg-deb", "-c", str(deb)]).stdout
    files = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
    for path in ("/usr/bin/micdoctor", "/usr/share/man/man1/micdoctor.1.gz",
                 "/usr/share/bash-completion/completions/micdoctor", "/usr/share/zsh/vendor-completions/_micdoctor",
                 "/usr/share/fish/vendor_completions.d/micdoctor.fish", "/usr/share/applications/micdoctor.desktop",
                 "/usr/share/icons/hicolor/scalable/apps/micdoctor.svg", "/usr/share/doc/micdoctor/copyright",
                 "/usr/share/doc/micdoctor/changelog.Debian.gz"):
        check(path in files, f"the package lacks {path}")
    check(all(p.startswith("/usr/") for p in files if p not in ("/", "")), "a file outside /usr")

    extracted = workdir / "deb"
    must(["dpkg-deb", "-x", str(deb), str(extracted)])
    share = extracted / "usr/share"
    check((share / "icons/hicolor/scalable/apps/micdoctor.svg").read_bytes()
          == (source_dir / "data/icons/micdoctor.svg").read_bytes(), "the icon is not data/icons/micdoctor.svg")

    desktop = share / "applications/micdoctor.desktop"
    validate = run(["desktop-file-validate", str(desktop)])
    check(validate.returncode == 0 and not validate.stdout.strip(),
          f"desktop-file-validate: {validate.stdout}{validate.stderr}")
    entry = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    for key, value in (("Name", "Microphone Doctor"), ("Exec", "micdoctor ui"), ("Icon", "micdoctor"),
                       ("Terminal", "false"), ("Type", "Application")):
        check(entry.get(key) == value, f"desktop entry {key}={entry.get(key)}, expected {value}")
    for key in ("Categories", "Keywords", "Comment"):
        check(bool(entry.get(key)), f"desktop entry without {key}")
    check(os.access(extracted / "usr/bin/micdoctor", os.X_OK)
          and "not stripped" not in must(["file", str(extracted / "usr/bin/micdoctor")]).stdout,
          "/usr/bin/micdoctor is not an executable, stripped binary")

    page = gzip.decompress((share / "man/man1/micdoctor.1.gz").read_bytes()).decode()
    man_source = workdir / "micdoctor.1"
    man_source.write_text(page)
    warnings = run(["man", "--warnings", "-l", str(man_source)], env={**os.environ, "MANWIDTH": "80"})
    check(warnings.returncode == 0 and not warnings.stderr.strip(), f"man --warnings: {warnings.stderr}")

    commands = commands_of(binary)
    home = workdir / "home"
    home.mkdir()
    check_shells_here(share, commands, options_of(binary, "check"), home)

    if shutil.which("lintian"):
        # Not for the Debian archive: no ITP bug to close.
        tags = run(["lintian", "--suppress-tags", "initial-upload-closes-no-bugs", str(deb)], timeout=300)
        problems = [line for line in tags.stdout.splitlines() if re.match(r"[EW]: ", line)]
        check(not problems, "lintian: " + "; ".join(problems))
    else:
        print("lintian is not installed: not run (scripts/install-deps.sh installs it)")
    return fields, commands


def check_shells_here(share, commands, check_options, home):
    """zsh and fish load the completions (the clean root has neither shell);
    home: an empty directory of the test's, their HOME."""
    zsh_dir = share / "zsh/vendor-completions"
    fish_file = share / "fish/vendor_completions.d/micdoctor.fish"
    if shutil.which("zsh"):
        check(run(["zsh", "-n", str(zsh_dir / "_micdoctor")]).returncode == 0, "zsh -n _micdoctor")
        # compinit finds the function by its #compdef line, as it does in /usr/share/zsh/vendor-completions.
        # -D: no dump file (compinit's dump removes and rewrites the file it is given).
        loaded = run(["zsh", "-fc", f"fpath=({zsh_dir} $fpath); autoload -U compinit; "
                      "compinit -u -D; print -r -- $_comps[micdoctor]"], env={"HOME": str(home)})
        check(loaded.stdout.strip() == "_micdoctor", f"zsh compinit does not bind micdoctor: {loaded.stdout}")
    else:
        print("zsh is not installed: its completion not checked")
    if shutil.which("fish"):
        check(run(["fish", "--no-execute", str(fish_file)]).returncode == 0, "fish --no-execute micdoctor.fish")
        env = {"HOME": str(home), "PATH": os.environ["PATH"]}
        offered = run(["fish", "--no-config", "-c", f"source {fish_file}; complete -C 'micdoctor '"], env=env)
        names = {line.split("\t")[0] for line in offered.stdout.splitlines()}
        check(set(commands) <= names, f"fish offers {sorted(names)} for 'micdoctor ', not all of {commands}")
        offered = run(["fish", "--no-config", "-c", f"source {fish_file}; complete -C 'micdoctor check --'"], env=env)
        names = {line.split("\t")[0] for line in offered.stdout.splitlines()}
        check(set(check_options) <= names, f"fish offers {sorted(names)} for 'micdoctor check --'")
    else:
        print("fish is not installed: its completion not checked")


# -------------------------------------------------------------- a clean root

def debian_mirror():
    """The Debian mirror this machine's apt uses for bookworm main."""
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in pathlib.Path(path).read_text().split("\n\n"):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.MULTILINE))
            if (SUITE in fields.get("Suites", "").split() and "main" in fields.get("Components", "").split()
                    and "deb" in fields.get("Types", "").split()):
                return fields["URIs"].split()[0]
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(path):
            for line in pathlib.Path(path).read_text().splitlines():
                words = re.sub(r"\[[^]]*\]", "", line).split()
                if len(words) >= 4 and words[0] == "deb" and words[2] == SUITE and "main" in words[3:]:
                    return words[1]
    return "http://deb.debian.org/debian"


def mounts_under(root):
    prefix = str(root).rstrip("/") + "/"
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        return [line.split()[1] for line in mounts if line.split()[1].startswith(prefix)]


@contextlib.contextmanager
def proc_mounted(root):
    must(["mount", "-t", "proc", "proc", str(root / "proc")])
    try:
        yield
    finally:
        for mount_point in reversed(mounts_under(root)):
            if run(["umount", mount_point]).returncode != 0:
                run(["umount", "-l", mount_point])


@contextlib.contextmanager
def clean_root(cache_dir):
    """A fresh Debian 12 minbase root with man-db, removed afterwards."""
    cache = cache_dir / f"{SUITE}-minbase.tar"
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="root-", dir=cache_dir))
    root = workdir / "root"
    root.mkdir()
    try:
        if cache.exists():
            step(f"unpacking the cached root {cache}")
            must(["tar", "-C", str(root), "-xf", str(cache)])
        else:
            mirror = debian_mirror()
            step(f"debootstrap --variant=minbase --include=man-db {SUITE} from {mirror} (a few minutes, once)")
            must(["debootstrap", "--variant=minbase", "--include=man-db", SUITE, str(root), mirror], timeout=1800)
            must(["chroot", str(root), "apt-get", "clean"], env=CHROOT_ENV)
            partial = cache.with_suffix(".tar.partial")
            must(["tar", "-C", str(root), "-cf", str(partial), "."])
            partial.rename(cache)  # only a whole root is ever cached
        resolv = root / "etc/resolv.conf"
        resolv.unlink(missing_ok=True)  # never write through a link out of the root
        shutil.copy("/etc/resolv.conf", resolv)
        with proc_mounted(root):
            yield root
    finally:
        left = mounts_under(root)
        if left:
            print(f"still mounted, so {workdir} is left in place: {left}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def in_root(root, script, timeout=300, shell="/bin/sh"):
    return run(["chroot", str(root), shell, "-c", script], timeout=timeout, env=CHROOT_ENV)


def check_installed(root, deb, fields, commands, check_options, archives):
    """apt-get install ./micdoctor_*.deb in the clean root, then use it there."""
    shutil.copy(deb, root / "tmp" / deb.name)
    os.chmod(root / "tmp" / deb.name, 0o644)
    cached = root / "var/cache/apt/archives"
    for package in archives.glob("*.deb"):
        shutil.copy(package, cached)
    step("apt-get update and apt-get install ./" + deb.name)
    must(["chroot", str(root), "apt-get", "update", "-q"], env=CHROOT_ENV, timeout=600)
    install = in_root(root, f"cd /tmp && apt-get install -y -q --no-install-recommends ./{deb.name}", timeout=900)
    if not check(install.returncode == 0, f"apt-get install failed:\n{install.stdout[-3000:]}\n{install.stderr}"):
        return
    for package in cached.glob("*.deb"):  # the Depends, for the next run
        shutil.copy(package, archives)
    depends = [re.split(r"[\s(|]", d.strip(), maxsplit=1)[0] for d in fields["Depends"].split(",")]
    status = in_root(root, "dpkg-query -W -f='${Package} ${Status}\\n' micdoctor " + " ".join(depends))
    check(status.stdout.count("install ok installed") == len(depends) + 1, f"not all installed:\n{status.stdout}")

    step("micdoctor --version, micdoctor check, man micdoctor, bash completion in the root")
    version = in_root(root, "micdoctor --version")
    check(version.returncode == 0 and version.stdout.strip() == f"micdoctor {fields['Version'].split('-')[0]}",
          f"micdoctor --version: {version.returncode} {version.stdout!r} {version.stderr!r}")

    # No sound server in the root: check runs, says so in words, and exits 1
    # ('exit status: ... 1 warnings or errors found' in its help).
    started = time.monotonic()
    checked = in_root(root, "micdoctor check", timeout=120)
    step(f"micdoctor check took {time.monotonic() - started:.1f} s")
    check(checked.returncode == 1, f"micdoctor check exited {checked.returncode}:\n{checked.stdout}{checked.stderr}")
    check(re.search(r"no sound server", checked.stdout, re.IGNORECASE) is not None,
          f"micdoctor check does not say that no sound server answers:\n{checked.stdout}")

    page = in_root(root, "MANWIDTH=100 man micdoctor")
    check(page.returncode == 0, f"man micdoctor exited {page.returncode}: {page.stderr}")
    text = page.stdout
    check(re.search(r"^NAME\n\s+micdoctor -", text, re.MULTILINE) is not None, f"man micdoctor has no NAME:\n{text}")
    for command in commands:
        check(re.search(rf"^\s+{re.escape(command)}\b", text, re.MULTILINE) is not None,
              f"man micdoctor does not list the command {command}")
    for option in check_options:
        check(option in text, f"man micdoctor does not describe check's {option}")

    names = " ".join(commands)
    bash = in_root(root, ". /usr/share/bash-completion/completions/micdoctor && complete -p micdoctor && "
                   "COMP_WORDS=(micdoctor ''); COMP_CWORD=1; _micdoctor; echo \"${COMPREPLY[*]}\" && "
                   "COMP_WORDS=(micdoctor check --); COMP_CWORD=2; _micdoctor; echo \"${COMPREPLY[*]}\"", shell="/bin/bash")
    lines = bash.stdout.splitlines()
    check(bash.returncode == 0 and len(lines) == 3, f"bash completion: {bash.stdout}{bash.stderr}")
    if len(lines) == 3:
        check(lines[0] == "complete -F _micdoctor micdoctor", f"complete -p micdoctor: {lines[0]}")
        check(lines[1] == names, f"bash offers {lines[1]!r} for 'micdoctor ', 'micdoctor help' lists {names!r}")
        check(set(check_options) <= set(lines[2].split()), f"bash offers {lines[2]!r} for 'micdoctor check --'")


def main():
    source_dir, build_dir = (pathlib.Path(a).resolve() for a in sys.argv[1:3])
    if os.geteuid() != 0:
        print("SKIPPED: the package test needs root (debootstrap, chroot, mount proc); CI runs as root")
        return SKIP
    for tool in ("debootstrap", "dpkg-deb", "desktop-file-validate", "man", "objdump"):
        if not shutil.which(tool):
            print(f"{tool} is missing: run scripts/install-deps.sh", file=sys.stderr)
            return 1
    cache_dir = build_dir / "package-test"
    archives = cache_dir / "apt-archives"
    archives.mkdir(parents=True, exist_ok=True)

    step("cmake --build --target package")
    deb = build_package(build_dir)
    step(f"checking {deb.name}")
    with tempfile.TemporaryDirectory(prefix="deb-", dir=cache_dir) as workdir:
        fields, commands = check_package_file(deb, source_dir, build_dir, pathlib.Path(workdir))
    check_options = options_of(build_dir / "micdoctor", "check")
    with clean_root(cache_dir) as root:
        check_installed(root, deb, fields, commands, check_options, archives)
    step("done")
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("package_debian: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
