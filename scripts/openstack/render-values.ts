/**
 * Renders `{ section: { option: value } }` (JSON on stdin) with oskube's oslo INI writer, to stdout, so the openstack
 * tier can read the writer's quoting and escaping back with the real oslo.config parser.
 */
import * as fs from "fs";
import { OsloConfig, renderOsloIni } from "../../lib/render/oslo-ini";

process.stdout.write(renderOsloIni(JSON.parse(fs.readFileSync(0, "utf8")) as OsloConfig));
