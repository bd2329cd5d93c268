/**
 * Instruction snippets for the differential test against qemu-aarch64.
 * Registers X0..X19 get random values; X20 points into a 256-byte scratch
 * buffer (at its middle, so negative offsets work), X21 holds a small index.
 * Snippets must not touch SP (the harness uses it) and branch only to their own labels.
 */
export interface Template {
  name: string;
  code: string[];
}

const t = (name: string, ...code: string[]): Template => ({ name, code });

const ALU: Template[] = [
  t('adds x', 'adds x0, x1, x2'),
  t('adds w', 'adds w0, w1, w2'),
  t('subs x', 'subs x0, x1, x2'),
  t('subs w', 'subs w0, w1, w2'),
  t('cmp x', 'cmp x1, x2'),
  t('cmn w', 'cmn w1, w2'),
  t('adds imm', 'adds x0, x1, #4095'),
  t('subs imm w', 'subs w0, w1, #1, lsl #12'),
  t('add shifted', 'add x0, x1, x2, lsl #7', 'add w3, w4, w5, asr #9', 'sub x6, x7, x8, lsr #33'),
  t('add extended', 'add x0, x1, w2, sxtb #3', 'add x3, x4, w5, uxth', 'sub x6, x7, w8, sxtw #2', 'adds x9, x10, w11, uxtw #4'),
  t('subs extended', 'subs x0, x1, w2, sxth', 'subs w3, w4, w5, uxtb #1'),
  t('adc/sbc', 'adcs x0, x1, x2', 'sbcs w3, w4, w5', 'adc x6, x7, x8', 'sbc w9, w10, w11', 'ngcs x12, x13'),
  t('neg', 'negs x0, x1', 'neg w2, w3, lsl #5', 'negs w4, w5'),
  t('logical reg', 'and x0, x1, x2', 'orr w3, w4, w5, ror #13', 'eor x6, x7, x8, asr #40', 'bic x9, x10, x11, lsl #2', 'orn w12, w13, w14', 'eon x15, x16, x17, lsr #1'),
  t('ands/bics', 'ands x0, x1, x2', 'bics w3, w4, w5, lsl #4'),
  t('tst', 'tst x1, #0xff00', 'cset x0, ne'),
  t('logical imm', 'and x0, x1, #0x0f0f0f0f0f0f0f0f', 'orr w2, w3, #0x3c', 'eor x4, x5, #0xfffffffffffe0000', 'ands w6, w7, #0x80000000'),
  t('mov imm', 'mov x0, #0x1234', 'movk x0, #0xbeef, lsl #32', 'mov w1, #-2', 'mov x2, #0xffffffff0000ffff', 'movn w3, #5, lsl #16', 'mov x4, #0x7ffffffffffffff0'),
  t('mvn', 'mvn x0, x1', 'mvn w2, w3, lsl #3'),
  t('shift imm', 'lsl x0, x1, #13', 'lsr x2, x3, #47', 'asr x4, x5, #63', 'ror x6, x7, #31', 'lsl w8, w9, #31', 'asr w10, w11, #7', 'ror w12, w13, #16'),
  t('shift reg', 'lsl x0, x1, x2', 'lsr x3, x4, x5', 'asr x6, x7, x8', 'ror x9, x10, x11', 'lsl w12, w13, w14', 'asr w15, w16, w17', 'ror w18, w19, w1'),
  t('bitfield', 'ubfx x0, x1, #5, #17', 'sbfx x2, x3, #40, #20', 'ubfiz w4, w5, #3, #9', 'sbfiz x6, x7, #50, #10', 'bfi x8, x9, #16, #32', 'bfxil w10, w11, #4, #6'),
  t('bitfield raw', 'ubfm x0, x1, #60, #10', 'sbfm w2, w3, #20, #5', 'bfm x4, x5, #3, #62', 'bfc w6, #8, #8'),
  t('extend', 'uxtb w0, w1', 'uxth w2, w3', 'sxtb x4, w5', 'sxth w6, w7', 'sxtw x8, w9'),
  t('extr', 'extr x0, x1, x2, #17', 'extr w3, w4, w5, #31', 'extr x6, x7, x8, #32', 'extr x9, x10, x11, #0'),
  t('csel', 'cmp x1, x2', 'csel x0, x3, x4, lt', 'csinc x5, x6, x7, hi', 'csinv w8, w9, w10, eq', 'csneg x11, x12, x13, vs'),
  t('cset', 'cmp w1, w2', 'cset x0, ge', 'csetm w3, hs', 'cinc x4, x5, le', 'cinv w6, w7, mi', 'cneg x8, x9, gt'),
  t('ccmp', 'cmp x1, x2', 'ccmp x3, x4, #5, ne', 'cset x0, ls', 'ccmn w5, #17, #10, pl', 'cset x6, lo'),
  t('mul', 'mul x0, x1, x2', 'mul w3, w4, w5', 'madd x6, x7, x8, x9', 'msub w10, w11, w12, w13', 'mneg x14, x15, x16'),
  t('mul long', 'smull x0, w1, w2', 'umull x3, w4, w5', 'smaddl x6, w7, w8, x9', 'umsubl x10, w11, w12, x13', 'smnegl x14, w15, w16'),
  t('mulh', 'smulh x0, x1, x2', 'umulh x3, x4, x5', 'smulh x6, x7, x7', 'umulh x8, x1, x9'),
  t('div', 'udiv x0, x1, x2', 'sdiv x3, x4, x5', 'udiv w6, w7, w8', 'sdiv w9, w10, w11', 'udiv x12, x13, xzr'),
  t('div small', 'lsr x1, x1, #40', 'lsr x2, x2, #52', 'udiv x0, x1, x2', 'asr x3, x3, #20', 'asr x4, x4, #50', 'sdiv x5, x3, x4'),
  t('bits', 'clz x0, x1', 'clz w2, w3', 'cls x4, x5', 'cls w6, w7', 'rbit x8, x9', 'rbit w10, w11', 'rev x12, x13', 'rev w14, w15', 'rev16 x16, x17', 'rev32 x18, x19'),
  t('branches', 'cmp x1, x2', 'b.lt 1f', 'mov x0, #1', '1:', 'tbz x3, #37, 2f', 'add x0, x0, #2', '2:', 'cbnz w4, 3f', 'add x0, x0, #4', '3:', 'tbnz w5, #7, 4f', 'add x0, x0, #8', '4:'),
  t('conditions', 'cmp x1, x2', 'cset x0, eq', 'cset x3, ne', 'cset x4, hs', 'cset x5, lo', 'cset x6, mi', 'cset x7, pl', 'cset x8, vs', 'cset x9, vc', 'cset x10, hi', 'cset x11, ls', 'cset x12, ge', 'cset x13, lt', 'cset x14, gt', 'cset x15, le'),
  t('conditions w', 'cmn w1, w2', 'cset x0, eq', 'cset x3, hs', 'cset x6, mi', 'cset x8, vs', 'cset x10, hi', 'cset x12, ge', 'cset x14, gt'),
];

const MEMORY: Template[] = [
  t('ldr sizes', 'ldr x0, [x20]', 'ldr w1, [x20, #4]', 'ldrh w2, [x20, #6]', 'ldrb w3, [x20, #7]', 'ldr x4, [x20, #-8]'),
  t('ldrs', 'ldrsb x0, [x20, #1]', 'ldrsb w1, [x20, #2]', 'ldrsh x2, [x20, #4]', 'ldrsh w3, [x20, #6]', 'ldrsw x4, [x20, #8]'),
  t('str sizes', 'str x1, [x20]', 'str w2, [x20, #8]', 'strh w3, [x20, #12]', 'strb w4, [x20, #15]', 'ldp x0, x5, [x20]'),
  t('unscaled', 'ldur x0, [x20, #-3]', 'stur w1, [x20, #5]', 'ldursh x2, [x20, #-7]', 'ldursb w3, [x20, #9]', 'ldursw x4, [x20, #-1]', 'sturh w5, [x20, #-11]'),
  t('pre/post', 'ldr x0, [x20, #16]!', 'ldr w1, [x20], #-8', 'str x2, [x20, #-24]!', 'strb w3, [x20], #3', 'ldrsh x4, [x20, #-5]!', 'mov x5, x20'),
  t('register offset', 'ldr x0, [x20, x21, lsl #3]', 'ldr w1, [x20, x21]', 'ldrb w2, [x20, w21, uxtw]', 'ldrsh x3, [x20, w21, sxtw #1]', 'str x4, [x20, x21, lsl #3]', 'ldr x5, [x20, x21, lsl #3]'),
  t('negative index', 'neg x21, x21', 'ldr x0, [x20, x21, sxtx #3]', 'ldrsw x1, [x20, w21, sxtw #2]', 'strh w2, [x20, w21, sxtw]'),
  t('pairs', 'ldp x0, x1, [x20]', 'ldp w2, w3, [x20, #-16]', 'ldpsw x4, x5, [x20, #8]', 'stp x6, x7, [x20, #32]', 'ldp x8, x9, [x20, #32]'),
  t('pair writeback', 'ldp x0, x1, [x20, #16]!', 'stp w2, w3, [x20], #-32', 'ldpsw x4, x5, [x20, #-8]!', 'mov x6, x20'),
  t('stp then loads', 'stp x1, x2, [x20, #-64]', 'ldrb w0, [x20, #-57]', 'ldrsh x3, [x20, #-50]', 'ldrsw x4, [x20, #-60]'),
  t('acquire/release', 'stlr x1, [x20]', 'ldar w0, [x20]', 'stlrb w2, [x20]', 'ldarh w3, [x20]', 'stlrh w4, [x20]', 'ldarb w5, [x20]'),
  t('exclusive ok', 'ldxr x0, [x20]', 'add x0, x0, #1', 'stxr w1, x0, [x20]', 'ldr x2, [x20]'),
  t('exclusive w/h/b', 'ldaxr w0, [x20]', 'stlxr w1, w3, [x20]', 'ldxrh w4, [x20]', 'stxrh w5, w6, [x20]', 'ldxrb w7, [x20]', 'stxrb w8, w9, [x20]', 'ldr x10, [x20]'),
  t('exclusive fail', 'clrex', 'stxr w1, x2, [x20]', 'ldr x3, [x20]'),
  t('exclusive pair', 'ldxp x0, x1, [x20]', 'stxp w2, x3, x4, [x20]', 'ldp x5, x6, [x20]', 'ldaxp w7, w8, [x20]', 'stlxp w9, w10, w11, [x20]', 'ldr x12, [x20]'),
  t('atomic x', 'ldadd x1, x0, [x20]', 'ldclral x2, x3, [x20]', 'ldeora x4, x5, [x20]', 'ldsetl x6, x7, [x20]', 'ldr x8, [x20]'),
  t('atomic max/min x', 'ldsmax x1, x0, [x20]', 'ldsmin x2, x3, [x20, #0]', 'ldumax x4, x5, [x20]', 'ldumin x6, x7, [x20]', 'ldr x8, [x20]'),
  t('atomic w/h/b', 'ldadd w1, w0, [x20]', 'ldsmaxh w2, w3, [x20]', 'ldsminb w4, w5, [x20]', 'lduminh w6, w7, [x20]', 'ldumaxb w8, w9, [x20]', 'ldr x10, [x20]'),
  t('st<op>', 'stadd x1, [x20]', 'stsmaxl w2, [x20]', 'steorb w3, [x20]', 'stclrh w4, [x20]', 'ldr x5, [x20]'),
  t('swp', 'swp x1, x0, [x20]', 'swpal w2, w3, [x20]', 'swpb w4, w5, [x20]', 'swph w6, w7, [x20]', 'ldr x8, [x20]'),
  t('cas', 'ldr x1, [x20]', 'cas x1, x2, [x20]', 'cas x3, x4, [x20]', 'casalb w5, w6, [x20]', 'mov w7, w2', 'caslh w7, w8, [x20]', 'ldr x9, [x20]'),
  t('unprivileged (EL0: as LDR/STR)', 'ldtr x0, [x20, #-8]', 'ldtrsb x1, [x20, #3]', 'ldtrsh w2, [x20, #-5]', 'ldtrsw x3, [x20, #4]', 'sttr w4, [x20, #1]', 'sttrb w5, [x20, #-1]', 'sttrh w6, [x20, #6]', 'ldr x7, [x20]'),
  t('ldapr', 'ldapr x0, [x20]', 'ldaprb w1, [x20]', 'ldaprh w2, [x20]', 'ldapr w3, [x20]'),
  t('literal', 'ldr x0, 1f', 'ldr w1, 1f', 'ldrsw x2, 1f', 'b 2f', '1:', '.quad 0x8123456789abcdef', '2:'),
  t('adr', 'adr x0, 1f', 'adr x1, .', 'sub x1, x0, x1', 'mov x0, xzr', '1:'),
];

export const TEMPLATES: Template[] = [...ALU, ...MEMORY];
