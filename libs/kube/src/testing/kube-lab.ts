import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { httpTransport, type KubeConnection } from '../http-transport';
import { KubeClient } from '../kube-client';
import type { RequestLog } from './request-log';

/**
 * The local control plane tools/kube-lab brings up (a real kube-apiserver with RBAC, etcd,
 * kube-controller-manager, kube-scheduler, kwok), as the `*.k8s.test.ts` tests reach it:
 * an admin client (static token, system:masters), clients holding a service account's own
 * token (TokenRequest), and kubectl.
 */
export interface KubeLab {
  dir: string;
  server: string;
  kubeconfig: string;
  /** As `kube-lab-admin` (system:masters): to set up and to look, never as the code under test. */
  admin: KubeClient;
  /** A client with a fresh token of that service account: what its pod would hold; its requests go to `log` when given. */
  serviceAccount(namespace: string, name: string, log?: RequestLog): Promise<KubeClient>;
  /** The connection such a client uses (for code that makes its own client from one). */
  serviceAccountConnection(namespace: string, name: string): Promise<KubeConnection>;
  /** kubectl (built with the lab) against the lab as the admin. */
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

const REPO_ROOT = resolve(__dirname, '../../../..');

/** The lab dir the test runner (tools/kube-lab/test-k8s.sh) exports, else the default of kube-lab.sh. */
export function kubeLabDir(env: Record<string, string | undefined> = process.env): string {
  return env.MIRRORLAB_KUBE_DIR ?? resolve(REPO_ROOT, '.lab/kube');
}

function connection(server: string, ca: Buffer, token: string): KubeConnection {
  return { server, requestOptions: async () => ({ ca, headers: { Authorization: `Bearer ${token}` } }) };
}

/** Connects to a running kube-lab; a missing one is an error that says how to start it. */
export function connectKubeLab(env: Record<string, string | undefined> = process.env): KubeLab {
  const dir = kubeLabDir(env);
  const kubeconfig = resolve(dir, 'kubeconfig');
  const bin = env.KUBE_LAB_BIN;
  if (!existsSync(kubeconfig) || !bin || !existsSync(bin)) {
    throw new Error(
      `no kube-lab at ${dir} (KUBE_LAB_BIN=${bin ?? 'unset'}): run these tests with \`npm run test:k8s\`, or \`bash tools/kube-lab/kube-lab.sh up\` and export what \`kube-lab.sh env\` prints`,
    );
  }
  const server = /server: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1];
  if (!server) throw new Error(`${kubeconfig} names no server`);
  const ca = readFileSync(resolve(dir, 'pki/ca.crt'));
  const admin = new KubeClient(httpTransport(connection(server, ca, readFileSync(resolve(dir, 'admin.token'), 'utf8').trim())));
  return {
    dir,
    server,
    kubeconfig,
    admin,
    async serviceAccount(namespace, name, log) {
      const transport = httpTransport(await this.serviceAccountConnection(namespace, name));
      return new KubeClient(log ? log.wrap(transport) : transport);
    },
    async serviceAccountConnection(namespace, name) {
      const tokenRequest = {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 },
      };
      const res = await httpTransport(connection(server, ca, readFileSync(resolve(dir, 'admin.token'), 'utf8').trim())).send({
        method: 'POST',
        path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
        contentType: 'application/json',
        body: tokenRequest,
      });
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c);
      const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: { token?: string }; message?: string };
      if (res.status !== 201 || !answer.status?.token)
        throw new Error(`TokenRequest for ${namespace}/${name}: HTTP ${res.status} ${answer.message ?? ''}`);
      return connection(server, ca, answer.status.token);
    },
    kubectl(args, input) {
      return new Promise((done, fail) => {
        const child = spawn(bin, ['kubectl', '--kubeconfig', kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', fail);
        child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(input ?? '');
      });
    },
  };
}
