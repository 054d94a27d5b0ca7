// Runs a stack program against Pulumi's mocks: no CLI, no cloud. Every resource the program
// registers is recorded with its inputs (Outputs resolved), in registration order.

import * as pulumi from "@pulumi/pulumi";

export interface Declared {
    type: string;
    name: string;
    inputs: any;
    /** The provider reference (urn::id) of a custom resource given an explicit provider. */
    provider?: string;
}

export interface MockOptions {
    /** Extra state a resource reports back (ARNs, a Service's status…), by resource type. */
    state?: (r: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
    /** The id a resource gets (Azure ids are paths the program passes on); `<name>-id` otherwise. */
    id?: (r: pulumi.runtime.MockResourceArgs) => string | undefined;
    /** Results of invokes (data sources), by token. */
    calls?: Record<string, Record<string, unknown>>;
}

/**
 * Installs fresh mocks and stack config (keys namespace:key as in Pulumi.<stack>.yaml; lists and
 * maps reach the program as JSON, as Pulumi passes them). Returns the list resources land in.
 */
export async function mock(project: string, config: Record<string, unknown>, options: MockOptions = {}): Promise<Declared[]> {
    const declared: Declared[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                declared.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
                return { id: options.id?.(args) ?? `${args.name}-id`, state: { ...args.inputs, ...(options.state?.(args) ?? {}) } };
            },
            call(args) {
                const result = options.calls?.[args.token];
                if (!result) throw new Error(`unexpected invoke ${args.token}`);
                return result;
            },
        },
        project,
        "test",
        false,
    );
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) values[k] = typeof v === "string" ? v : JSON.stringify(v);
    pulumi.runtime.setAllConfig(values);
    return declared;
}

/** The value of an Output (mocks resolve everything; nothing is unknown outside preview). */
export function valueOf<T>(o: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) => pulumi.output(o as pulumi.Input<T>).apply((v) => { resolve(v as T); return v; }));
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(declared: Declared[]): Promise<void> {
    let seen = -1;
    while (seen !== declared.length) {
        seen = declared.length;
        await new Promise((r) => setTimeout(r, 50));
    }
}

export const ofType = (declared: Declared[], type: string) => declared.filter((d) => d.type === type);

export const one = (declared: Declared[], type: string, name?: string) => {
    const found = declared.filter((d) => d.type === type && (name === undefined || d.name === name));
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((d) => d.name).join(", ")}`);
    return found[0];
};

/** The configuration problems a stack program reports for `config` (none: it declared its resources). */
export async function configProblems(project: string, config: Record<string, unknown>, program: () => unknown, options: MockOptions = {}): Promise<string[]> {
    await mock(project, config, options);
    try {
        program();
        return [];
    } catch (e) {
        if (!(e instanceof Error) || !("problems" in e)) throw e;
        return (e as Error & { problems: string[] }).problems;
    }
}
