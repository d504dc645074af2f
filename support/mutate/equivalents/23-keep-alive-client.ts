import type { Judgement } from '../judgement.ts';

export default [
  {
    verdict: 'equivalent',
    file: 'agent.ts',
    mutator: 'OptionalChaining',
    original: 'connection.exchange?.abort',
    replacement: 'connection.exchange.abort',
    why: 'the socket timeout is armed when an exchange starts and disarmed (setTimeout(0)) in the same call that clears the exchange, so a timeout never finds the connection idle',
  },
] satisfies readonly Judgement[];
