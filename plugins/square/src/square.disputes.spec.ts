import type { GatewayConnection } from '@payrail/plugin-sdk';
import { describeDisputeFilesConformance } from '@payrail/plugin-sdk/testing';
import { SQUARE_SANDBOX_DEFAULTS, startSquareSandbox, type SquareSandbox } from '@payrail/sandbox/square';
import { SquareGateway } from './square.gateway';
import { squareSandboxConnection } from './testing/sandbox-connection';

const gateway = new SquareGateway();
let sandbox: SquareSandbox;
let connection: GatewayConnection;
let n = 0;

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0 });
  connection = squareSandboxConnection(sandbox, 'conn_square_disputes');
});

afterAll(async () => {
  await sandbox?.close();
});

describeDisputeFilesConformance({
  name: 'Square',
  gateway: () => gateway,
  connection: () => connection,
  async openDispute() {
    const key = `sq-dsp-${process.pid}-${++n}`;
    const authorized = await gateway.authorize(connection, {
      paymentId: `pay_${key}`,
      attemptId: `att_${key}`,
      idempotencyKey: `auth-${key}`,
      amount: { amount: 2700, currency: 'USD' },
      token: sandbox.issueNonce(),
    });
    if (!authorized.ok) throw authorized.error;
    const captured = await gateway.capture(connection, {
      reference: authorized.value.reference,
      attemptId: `att_cap_${key}`,
      idempotencyKey: `cap-${key}`,
      amount: { amount: 2700, currency: 'USD' },
      final: true,
    });
    if (!captured.ok) throw captured.error;
    return sandbox.openDispute(authorized.value.reference, 'NOT_RECEIVED');
  },
  async heldAtGateway(dispute, file) {
    const res = await fetch(`${sandbox.url}/v2/disputes/${dispute}/evidence`, {
      headers: { authorization: `Bearer ${SQUARE_SANDBOX_DEFAULTS.accessToken}` },
    });
    const { evidence = [] } = (await res.json()) as {
      evidence?: { id: string; evidence_file?: { filetype?: string } }[];
    };
    return evidence.find((e) => e.id === file && e.evidence_file?.filetype === 'application/pdf');
  },
});
