import { useTestApp } from '../helpers/app';
import { describeRoundTrip } from './round-trip';

const t = useTestApp();

describeRoundTrip('local store', t);
