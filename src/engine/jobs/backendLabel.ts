import type { JobBackend } from '../evaluate/backend';
import { modelLabelOf } from './batchFiles';

/** The model label a backend's results are named by (as modelLabelOf names a result's model), and its device(s). */
export function backendModelLabel(backend: JobBackend): { model: string; device: string } {
  if (backend.kind === 'workers') return { model: modelLabelOf({ backend: 'onnx', id: backend.pool.modelId, device: '', precision: backend.pool.precision }), device: backend.pool.devices.join(', ') };
  return backend.kind === 'onnx'
    ? { model: modelLabelOf({ backend: 'onnx', id: backend.engine.model.config.id, device: '', precision: backend.engine.model.folder.precision }), device: backend.engine.model.device }
    : { model: backend.remote.modelName, device: backend.remote.pool.endpoints.join(', ') };
}
