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

describe('PII redaction: kinds missed before', () => {
  it.each([
    ['a lowercase spaced IBAN', 'refund to gb82 west 1234 5698 7654 32 please', 'refund to [IBAN] please', 'IBAN'],
    ['a lowercase unspaced IBAN', 'iban de89370400440532013000 thanks', 'iban [IBAN] thanks', 'IBAN'],
    ['an unspaced IBAN', 'pay FR1420041010050500013M02606 now', 'pay [IBAN] now', 'IBAN'],
    ['an IBAN followed by a word its grouping could swallow', 'refund BE68 5390 0754 7034 then close', 'refund [IBAN] then close', 'IBAN'],
    ['an IBAN after a look-alike word', 'ab12 then GB82 WEST 1234 5698 7654 32', 'ab12 then [IBAN]', 'IBAN'],
    ['a US SSN', 'my SSN is 123-45-6789 ok', 'my SSN is [SSN] ok', 'SSN'],
    ['a US SSN without a cue', 'it is 078-05-1120 on file', 'it is [SSN] on file', 'SSN'],
    ['an unformatted SSN after its cue', 'social security number: 219099999', 'social security number: [SSN]', 'SSN'],
    ['a phone number with a country code, no cue', 'reach +44 20 7946 0958 today', 'reach [PHONE] today', 'PHONE'],
    ['a US phone number in brackets, no cue', 'I got a missed (555) 123-4567 yesterday', 'I got a missed [PHONE] yesterday', 'PHONE'],
    ['a US phone number with dashes, no cue', 'from 555-123-4567 yesterday', 'from [PHONE] yesterday', 'PHONE'],
    ['a toll-free number with a leading 1', 'dial 1-800-555-0199 now', 'dial [PHONE] now', 'PHONE'],
    ['a US phone number with dots', 'it is 415.555.2671 ok', 'it is [PHONE] ok', 'PHONE'],
    ['a UK landline in national format', 'ring 020 7946 0958 please', 'ring [PHONE] please', 'PHONE'],
    ['a UK mobile in national format', 'ring 07700 900123 please', 'ring [PHONE] please', 'PHONE'],
    ['a 10-digit run in a phone shape', 'it is 4155552671 ok', 'it is [PHONE] ok', 'PHONE'],
    ['"Thanks, First Last"', 'It never came. Thanks, John Smith', 'It never came. Thanks, [NAME]', 'NAME'],
    ['"Regards First Last"', 'please fix it\nRegards John Smith', 'please fix it\nRegards [NAME]', 'NAME'],
    ['"Best, First"', 'please fix it. Best, Jane', 'please fix it. Best, [NAME]', 'NAME'],
    ['"Cheers," then the name on the next line', 'please fix it\nCheers,\nTom', 'please fix it\nCheers,\n[NAME]', 'NAME'],
    ['a sign-off with accented names', 'Kind regards,\nMaría José Núñez', 'Kind regards,\n[NAME]', 'NAME'],
    ['a sign-off followed by a mail footer', 'Many thanks\nOliver Brown\nSent from my iPhone', 'Many thanks\n[NAME]\nSent from my iPhone', 'NAME'],
    ['"Dr. First Last"', 'Dr. Jane Smith called', 'Dr. [NAME] called', 'NAME'],
    ['"Mr Last"', 'ask Mr Smith about it', 'ask Mr [NAME] about it', 'NAME'],
    ["\"Mrs. O'Neil\"", "Mrs. O'Neil is waiting", 'Mrs. [NAME] is waiting', 'NAME'],
    ['a street address with a house letter', 'I live at 221B Baker Street now', 'I live at [ADDRESS] now', 'ADDRESS'],
    ['a street address with a direction', 'send it to 1600 Pennsylvania Ave NW please', 'send it to [ADDRESS] please', 'ADDRESS'],
    ['a street address with a flat number', 'ship to 742 Evergreen Terrace, Apt 4B today', 'ship to [ADDRESS] today', 'ADDRESS'],
    ['a P.O. box', 'mail it to PO Box 1234 please', 'mail it to [ADDRESS] please', 'ADDRESS'],
    ['a UK postcode', 'London SW1A 1AA is where I live', 'London [POSTCODE] is where I live', 'POSTCODE'],
    ['a short UK postcode', 'Manchester M1 1AE ok', 'Manchester [POSTCODE] ok', 'POSTCODE'],
    ['a US ZIP after a state', 'San Francisco, CA 94105 ok', 'San Francisco, CA [POSTCODE] ok', 'POSTCODE'],
    ['a ZIP+4 after a state', 'New York, NY 10001-1234 ok', 'New York, NY [POSTCODE] ok', 'POSTCODE'],
    ['a ZIP+4 alone', 'zip is 94105-1234 ok', 'zip is [POSTCODE] ok', 'POSTCODE'],
    ['a ZIP after "zip code"', 'my zip code is 94105 ok', 'my zip code is [POSTCODE] ok', 'POSTCODE'],
    ['an IPv4 address', 'login from 192.168.1.23 failed', 'login from [IP] failed', 'IP'],
    ['an IPv6 address', 'login from 2001:db8::8a2e:370:7334 failed', 'login from [IP] failed', 'IP'],
    ['a full IPv6 address', 'ip fe80:0000:0000:0000:0202:b3ff:fe1e:8329.', 'ip [IP].', 'IP'],
    ['a date of birth after "DOB"', 'DOB: 04/07/1985 on my ID', 'DOB: [DOB] on my ID', 'DOB'],
    ['a date of birth after "date of birth"', 'my date of birth is 12 March 1990 ok', 'my date of birth is [DOB] ok', 'DOB'],
    ['a date of birth after "born on"', 'I was born on March 12, 1990 ok', 'I was born on [DOB] ok', 'DOB'],
    ['a password after "password:"', 'password: hunter2 does not work', 'password: [SECRET] does not work', 'SECRET'],
    ['a password after "pwd="', 'user=ana pwd=S3cr3t! fails', 'user=ana pwd=[SECRET] fails', 'SECRET'],
    ['a passcode after "is"', 'my passcode is 4821.', 'my passcode is [SECRET].', 'SECRET'],
    ['a dictionary-word password', 'my password is sunshine and it fails', 'my password is [SECRET] and it fails', 'SECRET'],
  ])('%s', (_kind, input, expected, type) => {
    const r = redact(input);
    expect(r.text).toBe(expected);
    expect(r.counts[type as keyof typeof r.counts]).toBe(1);
  });

  it.each([
    ['prices', 'I paid $1,299.99, then £12.50 and €45 and 12,000 USD'],
    ['dates of ordinary events', 'ordered on 03/15/2024, delivered 2024-03-15, charged on 15.03.2024 at 10:30'],
    ['a written date of an ordinary event', 'it arrived on March 12, 1990 and again on 12 March 2024'],
    ['version numbers', 'the app v2.3.1 and version 10.0.19045.2965 and version 1.2.3.4 and v1.2.3.4'],
    ['product codes', 'the SKU-1234-XL jacket, model XPS-9310, part SKU-123-45-6789'],
    ['short numbers', 'I ordered 3 items, room 404, error 500, waited 10 days, code 0x80070005'],
    ['a 9-digit and a 7-digit number', 'ref 123456789 and 555-1234'],
    ['a 10-digit run that is not a phone number', 'ref 1234567890 here'],
    ['invalid SSNs', 'codes 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000'],
    ['times and invalid IPs', 'at 10:30:45 and 999.1.1.1 and 1.2.3'],
    ['"password" without a secret', 'I forgot my password. The password is wrong, my password is not working, password reset link'],
    ['"PIN" without a secret', 'the PIN is incorrect and the pin is required'],
    ['thanks without a name', 'Thanks for your help. Thanks in advance! Thanks, Support Team. Regards, Customer Service'],
    ['"Best" as a word', 'Best Buy sold me this, best price'],
    ['storage sizes that look like postcodes', 'my PS5 2TB console and an M2 4GB stick'],
    ['a lowercase street word', 'I bought 2 boxes on the street'],
    ['an invalid lowercase IBAN look-alike', 'code gb00 west 1234 5698 7654 32 here'],
  ])('keeps %s', (_kind, input) => {
    expect(redact(input).text).toBe(input);
  });

  it('reports the words it removed, so keywords from the same texts can be checked', () => {
    const r = redact('Thanks, John Smith. Mail john.smith@example.com');
    expect(r.removed).toEqual(expect.arrayContaining(['john', 'smith', 'example', 'com']));
    expect(r.removed).not.toContain('thanks');
    expect(r.removed).not.toContain('mail');
  });
});

describe('PII redaction on long fields', () => {
  // Whole texts are redacted before the 280-character cut, so a rule that rescans a run from every
  // position (quadratic) would stall the server on one long field.
  it.each([
    ['digits', '1'.repeat(100_000)],
    ['letters', 'a'.repeat(100_000)],
    ['spaced digit groups', '12 '.repeat(33_000)],
    ['hex and colons', 'ab:'.repeat(33_000)],
    ['capitalised words after a sign-off', `Thanks, ${'Abc '.repeat(25_000)}`],
  ])('stays linear on 100,000 characters of %s', (_kind, text) => {
    const t = performance.now();
    redact(text);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
