import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/server/label/redact';

describe('PII redaction', () => {
  it.each([
    ['e-mail', 'write to jane.doe+orders@example.co.uk today', 'write to [EMAIL] today', 'EMAIL'],
    ['phone (US)', 'call me on (555) 123-4567 please', 'call me on [PHONE] please', 'PHONE'],
    ['phone (international)', 'my number is +44 20 7946 0958', 'my number is [PHONE]', 'PHONE'],
    ['card (Luhn-valid, spaced)', 'card 4111 1111 1111 1111 was charged twice', 'card [CARD] was charged twice', 'CARD'],
    ['card (dashed)', 'use 5500-0000-0000-0004', 'use [CARD]', 'CARD'],
    ['IBAN', 'refund to GB82 WEST 1234 5698 7654 32 asap', 'refund to [IBAN] asap', 'IBAN'],
    ['order number', 'where is order #A12345?', 'where is order [ORDER_ID]?', 'ORDER_ID'],
    ['order number with a word', 'my order number is 123-456-789', 'my order number is [ORDER_ID]', 'ORDER_ID'],
    ['account number', 'account no. 99887766 is locked', 'account no. [ACCOUNT_ID] is locked', 'ACCOUNT_ID'],
    ['invoice number', 'invoice INV-2024-0042 is wrong', 'invoice [INVOICE_ID] is wrong', 'INVOICE_ID'],
    ['URL with a token', 'open https://shop.example.com/reset?token=abc123def456 now', 'open [URL] now', 'URL'],
    ['name after "my name is"', 'Hello, my name is Maria Gonzalez and I need help', 'Hello, my name is [NAME] and I need help', 'NAME'],
    ['name after "this is"', 'Hi, this is John Smith from accounting', 'Hi, this is [NAME] from accounting', 'NAME'],
  ])('%s', (_kind, input, expected, type) => {
    const r = redact(input);
    expect(r.text).toBe(expected);
    expect(r.counts[type as keyof typeof r.counts]).toBe(1);
  });

  it.each([
    ['a product code', 'the SKU-1234-XL jacket is too small'],
    ['an ISO date', 'it was delivered on 2024-03-15'],
    ['a US date', 'ordered on 03/15/2024'],
    ['a price', 'I paid $1,299.99 for it'],
    ['a euro price', 'it cost 1.299,00 € in total'],
    ['a version number', 'the app v2.3.1 crashes'],
    ['short numbers', 'I ordered 3 items, 2 arrived, waited 10 days'],
    ['a Luhn-invalid 16-digit number', 'reference 1234 5678 9012 3456 on the box'],
    ['an invalid IBAN', 'code GB00 WEST 1234 5698 7654 32 here'],
    ['a URL without a token', 'see https://example.com/help/returns for details'],
    ['"I am" + adjective', 'I am Very unhappy with this'],
    ['the word order without a number', 'my order is late'],
  ])('keeps %s', (_kind, input) => {
    expect(redact(input).text).toBe(input);
  });

  it('redacts several kinds in one ticket and counts each', () => {
    const r = redact('My name is Ana Lopez, email ana@x.org, card 4111-1111-1111-1111, order #55512 never came. Call +1 415 555 2671.');
    expect(r.text).toBe('My name is [NAME], email [EMAIL], card [CARD], order [ORDER_ID] never came. Call [PHONE].');
    expect(r.counts).toEqual({ NAME: 1, EMAIL: 1, CARD: 1, ORDER_ID: 1, PHONE: 1 });
  });
});
