/** Arm's concurrency model for Normal memory with matching attributes (docs/memory-model.md "Concurrency"): Promising-ARM. */
export { MessageLog, MAX_MESSAGES, type Message, type InitialValue, type FingerprintSink } from './messages';
export { ThreadLocal, ReadOrder, WriteOrder, type ReadKind, type WriteKind, type BarrierOrder, type LocalSnapshot } from './local';
export { barrierOption, ordersEveryObserver, type BarrierOption, type BarrierDomain } from './barriers';
export { TranslationViews, type TlbiRecord, type TranslationSnapshot } from './translation';
