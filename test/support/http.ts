/** Reading server responses in tests through the contract's schemas, so a wrong shape fails loudly. */
import { ErrorBody } from '../../src/shared/api';

/** The `error` of an error response, validated against the contract. */
export async function errorOf(res: Response): Promise<ErrorBody['error']> {
  return ErrorBody.parse(await res.json()).error;
}
