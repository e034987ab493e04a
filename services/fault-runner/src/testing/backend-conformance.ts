import { isOneShotKind } from '@mirrorlab/protocol';
import type { FaultBackend } from '../fault-backend';
import type { FaultRequest } from '../fault-request';

export interface ConformanceOptions {
  /** A backend on the real thing (the lab, a kube-apiserver); closed after each test. */
  backend: () => FaultBackend;
  /** Faults to put through the contract, each injected twice: keep the list short, every one costs real heals. */
  faults: readonly FaultRequest[];
}

/**
 * The `FaultBackend` contract (fault-backend.ts), one suite for every backend, as BullMQ runs
 * one suite against every queue backend. For each fault: `inject` returns once the effect is
 * there (`verifyInjected` sees it), `heal` undoes and verifies it, a second `heal` only verifies
 * (idempotent), `verifyHealed` then agrees and `verifyInjected` no longer sees the fault; and a
 * heal works from the request alone, without what the injection recorded (a runner that died
 * mid-injection).
 */
export function describeFaultBackendConformance(name: string, opts: ConformanceOptions): void {
  describe(`FaultBackend contract: ${name}`, () => {
    for (const fault of opts.faults) {
      test(`${fault.kind}${fault.requestedTarget ? ` ${fault.requestedTarget}` : ''}: injected and seen, healed and verified, healed again, healed from the request alone`, async () => {
        const backend = opts.backend();
        const ctx = { others: [] as FaultRequest[] };
        try {
          const injection = await backend.inject(fault);
          expect(await backend.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });
          expect(await backend.heal(fault, { ...ctx, effect: injection.effect })).toMatchObject({ verified: true });
          expect(await backend.heal(fault, { ...ctx, effect: injection.effect })).toMatchObject({ verified: true });
          expect(await backend.verifyHealed(fault, { ...ctx, effect: injection.effect })).toMatchObject({ ok: true });
          if (!isOneShotKind(fault.kind)) expect(await backend.verifyInjected(fault, injection.effect)).toMatchObject({ ok: false });

          if (!isOneShotKind(fault.kind)) {
            await backend.inject(fault);
            expect(await backend.heal(fault, ctx)).toMatchObject({ verified: true });
            expect(await backend.verifyHealed(fault, ctx)).toMatchObject({ ok: true });
          }
        } finally {
          // Whatever failed above, leave the system as it was for the next test.
          await backend.heal(fault, ctx).catch(() => undefined);
          await backend.close();
        }
      });
    }
  });
}
