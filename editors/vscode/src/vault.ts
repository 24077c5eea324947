import * as fs from "node:fs/promises";
import * as path from "node:path";

/**
 * Files or folders whose presence at a folder's root makes it a vault, with the kind of entry
 * each must be.
 */
export const VAULT_MARKERS: readonly { name: string; kind: "file" | "folder" }[] = [
    { name: ".dex.toml", kind: "file" },
    { name: ".obsidian", kind: "folder" },
    { name: path.join("Active", "Accounts"), kind: "folder" },
];

/** Returns the first vault marker found at the root of `folder`, or `undefined`. */
export async function findVaultMarker(folder: string): Promise<string | undefined> {
    for (const marker of VAULT_MARKERS) {
        try {
            const stat = await fs.stat(path.join(folder, marker.name));
            if (marker.kind === "file" ? stat.isFile() : stat.isDirectory()) {
                return marker.name;
            }
        } catch {
            // Not there (or unreadable): try the next marker.
        }
    }
    return undefined;
}
