/**
 * Personal data planted in ticket texts by the tests that send texts to the (fake) Claude API:
 * PII lists the values, none of which may reach a request; PLANTS the phrases that carry them.
 */
export const PII = ['ana.perez@example.com', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '+1 415 555 2671', 'A99887', 'https://shop.example.com/reset?token=s3cr3tT0k3n', 'Maria Gonzalez', 'INV-2024-0042'];
export const PLANTS = [
  ' my email is ana.perez@example.com',
  ' card 4111 1111 1111 1111 was charged',
  ' refund to GB82 WEST 1234 5698 7654 32',
  ' call me at +1 415 555 2671',
  ' order #A99887',
  ' link https://shop.example.com/reset?token=s3cr3tT0k3n',
  ' my name is Maria Gonzalez',
  ' see invoice INV-2024-0042',
];
