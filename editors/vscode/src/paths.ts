import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Replaces a leading `~` with the home folder, as a shell would. */
export function expandHome(file: string, home: string = os.homedir()): string {
    if (file === "~") {
        return home;
    }
    if (file.startsWith("~/")) {
        return path.join(home, file.slice(2));
    }
    return file;
}

export function isExecutableFile(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/**
 * Finds `name` in the folders of a `PATH` value, as the shell would. Returns the first
 * executable file, or `undefined` when there is none.
 */
export function findOnPath(
    name: string,
    pathValue: string = process.env.PATH ?? "",
    isExecutable: (file: string) => boolean = isExecutableFile,
): string | undefined {
    const suffixes =
        process.platform === "win32"
            ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").concat([""])
            : [""];
    for (const folder of pathValue.split(path.delimiter)) {
        if (folder === "") {
            continue;
        }
        for (const suffix of suffixes) {
            const candidate = path.join(folder, name + suffix);
            if (isExecutable(candidate)) {
                return candidate;
            }
        }
    }
    return undefined;
}
