/**
 * The AWS shared credentials file (`~/.aws/credentials`, INI sections per profile), read as the AWS SDKs do for
 * `aws_access_key_id`, `aws_secret_access_key` and `aws_session_token`.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function parseCredentialsFile(text: string, profile: string): AwsCredentials | undefined {
  let section: string | undefined;
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && section === profile) values[kv[1]!.toLowerCase()] = kv[2]!;
  }
  const id = values.aws_access_key_id;
  const secret = values.aws_secret_access_key;
  if (!id || !secret) return undefined;
  return { accessKeyId: id, secretAccessKey: secret, ...(values.aws_session_token ? { sessionToken: values.aws_session_token } : {}) };
}
