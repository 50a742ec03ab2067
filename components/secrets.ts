import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * A generated password: 32 alphanumeric characters (about 190 bits). Alphanumeric on purpose: it is safe inside
 * URLs, SQL quotes, shell words and oslo INI values without any escaping. `result` is a Pulumi secret.
 */
export function generatedPassword(name: string, parent: pulumi.Resource): random.RandomPassword {
    return new random.RandomPassword(name, { length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 }, { parent });
}

/** A Fernet key: 32 random bytes, URL-safe base64 (Keystone's fernet and credential key format). */
export function fernetKey(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    const bytes = new random.RandomBytes(name, { length: 32 }, { parent });
    return pulumi.secret(bytes.base64.apply((b) => b.replace(/\+/g, "-").replace(/\//g, "_")));
}
