{{- define "payrail.fullname" -}}
{{ .Release.Name }}-payrail
{{- end }}

{{- define "payrail.labels" -}}
app.kubernetes.io/name: payrail
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "payrail.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}

{{- define "payrail.env" -}}
- name: NODE_ENV
  value: production
- name: PAYRAIL_SHUTDOWN_GRACE_MS
  value: {{ .Values.shutdown.graceMs | quote }}
- name: PAYRAIL_SHUTDOWN_DELAY_MS
  value: "0"
{{- end }}
