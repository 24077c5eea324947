/** A `major.minor.patch` version of the `dex` binary. */
export interface Version {
    major: number;
    minor: number;
    patch: number;
}

/** Parses `1.2.3` (a pre-release or build suffix such as `-dev` is ignored). */
export function parseVersion(text: string): Version | undefined {
    const match = /^(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
    if (!match) {
        return undefined;
    }
    return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Parses the output of `dex --version`, which is `dex 0.1.0`. */
export function parseVersionOutput(output: string): Version | undefined {
    const match = /^dex\s+(\S+)/m.exec(output.trim());
    return match ? parseVersion(match[1]) : undefined;
}

/** Orders two versions: negative when `a` is older than `b`, zero when equal. */
export function compareVersions(a: Version, b: Version): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatVersion(version: Version): string {
    return `${version.major}.${version.minor}.${version.patch}`;
}
