-- CreateTable
CREATE TABLE "Steward" (
    "id" TEXT NOT NULL,
    "discordUserId" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "grantedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Steward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebLoginNonce" (
    "nonceHash" TEXT NOT NULL,
    "discordUserId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebLoginNonce_pkey" PRIMARY KEY ("nonceHash")
);

-- CreateTable
CREATE TABLE "WebSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "discordUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "WebSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Steward_spaceId_idx" ON "Steward"("spaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Steward_discordUserId_spaceId_key" ON "Steward"("discordUserId", "spaceId");

-- CreateIndex
CREATE INDEX "WebLoginNonce_expiresAt_idx" ON "WebLoginNonce"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebSession_tokenHash_key" ON "WebSession"("tokenHash");

-- CreateIndex
CREATE INDEX "WebSession_discordUserId_idx" ON "WebSession"("discordUserId");

-- CreateIndex
CREATE INDEX "WebSession_expiresAt_idx" ON "WebSession"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditEntry_spaceId_action_seq_idx" ON "AuditEntry"("spaceId", "action", "seq");

-- AddForeignKey
ALTER TABLE "Steward" ADD CONSTRAINT "Steward_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "Space"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
