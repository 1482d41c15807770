// Runs after the moto global setup: puts the endpoint-lifecycle server in front of the shared moto
// server, so this package's tests see endpoints pass through Creating/Updating and can roll an
// update back. Exposed as MODELSHIP_SAGEMAKER_URL (S3 and everything else pass straight through).
import { startSageMakerEndpoints } from '@modelship/testing-sagemaker-endpoints';

export default async function setup() {
  const motoUrl = process.env.MODELSHIP_MOTO_URL;
  if (!motoUrl)
    throw new Error('sagemaker-endpoints setup: MODELSHIP_MOTO_URL is not set; list the moto setup first');
  const server = await startSageMakerEndpoints({ motoUrl });
  process.env.MODELSHIP_SAGEMAKER_URL = server.url;
  return () => server.stop();
}
